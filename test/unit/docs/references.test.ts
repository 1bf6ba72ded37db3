import { describe, expect, it } from 'vitest';
import { resolveContract } from '../../../src/lib/docs/load-contract.ts';
import { defaultDocsContract } from '../../../src/lib/docs/default-contract.ts';
import { buildIdMatcher } from '../../../src/lib/docs/id-mentions.ts';
import { scanReferences } from '../../../src/lib/docs/scan-references.ts';
import { resolveReference, type DocIndex } from '../../../src/lib/docs/resolve-reference.ts';

const contract = resolveContract(defaultDocsContract, null, '/nonexistent');
const matchIds = buildIdMatcher(contract, ['ADR-0013', 'RUN-runner-image', 'custom-id']);
// The docs folder is `docs/` in a repository that also holds `.agent/handoff.md` and `scripts/`.
const entries: Record<string, 'file' | 'folder'> = {
  docs: 'folder',
  'docs/adr': 'folder',
  'docs/adr/adr-0013-x.md': 'file',
  'docs/reference': 'folder',
  'docs/reference/ref-kb.md': 'file',
  'docs/index.md': 'file',
  '.agent/handoff.md': 'file',
  scripts: 'folder',
};
const index: DocIndex = {
  hasId: (id) => ['ADR-0013', 'RUN-runner-image'].includes(id),
  idForPath: (p) => ({ 'adr/adr-0013-x.md': 'ADR-0013', 'reference/ref-kb.md': 'REF-kb' })[p] ?? null,
  location: { root: '/repo', docsPath: 'docs', inRepository: true },
  entryAt: (p) => entries[p] ?? null,
};

describe('id mentions', () => {
  it('finds known ids and id-shaped words, standing alone', () => {
    const found = matchIds('See ADR-0013, RUN-runner-image. Also ADR-0099 and custom-id; not XADR-0013 or ADR-00131.').map((m) => m.id);
    expect(found).toEqual(['ADR-0013', 'RUN-runner-image', 'ADR-0099', 'custom-id']);
  });

  it('reports offsets that slice back to the id', () => {
    const text = 'x ADR-0013 y';
    const [mention] = matchIds(text);
    expect(text.slice(mention!.start, mention!.end)).toBe('ADR-0013');
  });
});

describe('scanReferences', () => {
  it('collects frontmatter links, prose ids, .md links and .md paths in inline code, but not code blocks', () => {
    const body = [
      'Decided in ADR-0013.',
      '',
      'See [the KB](../reference/ref-kb.md#memory) and `docs/reference/ref-kb.md`.',
      '',
      '```bash',
      'echo ADR-0099',
      '```',
      '',
      '[web](https://example.test/a.md) [ADR-0013 text inside a link](https://example.test/)',
    ].join('\n');
    const refs = scanReferences(['REF-kb', 'adr/adr-0013-x.md'], body, 10, matchIds);
    expect(refs).toEqual([
      { kind: 'id', target: 'REF-kb', origin: 'frontmatter', line: null },
      { kind: 'path', target: 'adr/adr-0013-x.md', origin: 'frontmatter', line: null },
      { kind: 'id', target: 'ADR-0013', origin: 'text', line: 10 },
      { kind: 'path', target: '../reference/ref-kb.md#memory', origin: 'text', line: 12 },
      { kind: 'path', target: 'docs/reference/ref-kb.md', origin: 'text', line: 12 },
    ]);
  });
});

describe('resolveReference', () => {
  it('resolves ids and paths relative to the doc, the docs folder or the repository', () => {
    expect(resolveReference('id', 'ADR-0013', 'runbooks/r.md', index)).toEqual({ kind: 'doc', id: 'ADR-0013', anchor: null });
    expect(resolveReference('path', '../reference/ref-kb.md#memory', 'runbooks/r.md', index)).toEqual({ kind: 'doc', id: 'REF-kb', anchor: 'memory' });
    expect(resolveReference('path', 'docs/reference/ref-kb.md', 'runbooks/r.md', index)).toMatchObject({ kind: 'doc', id: 'REF-kb' });
    expect(resolveReference('path', 'adr/adr-0013-x.md', 'runbooks/r.md', index)).toMatchObject({ kind: 'doc', id: 'ADR-0013' });
  });

  it('marks unknown ids and missing files broken, with the reason', () => {
    expect(resolveReference('id', 'ADR-0099', 'runbooks/r.md', index)).toEqual({ kind: 'broken', reason: "no doc has id 'ADR-0099'" });
    expect(resolveReference('path', 'reference/nope.md', 'runbooks/r.md', index)).toEqual({
      kind: 'broken',
      reason: "'reference/nope.md' does not exist in the repository",
    });
  });

  it('resolves files and folders of the repository outside the docs, written repository-relative or relative to the doc', () => {
    expect(resolveReference('path', '.agent/handoff.md', 'runbooks/r.md', index)).toEqual({ kind: 'repository', path: '.agent/handoff.md', folder: false });
    expect(resolveReference('path', '../../.agent/handoff.md', 'runbooks/r.md', index)).toEqual({ kind: 'repository', path: '.agent/handoff.md', folder: false });
    expect(resolveReference('path', 'docs/index.md', 'runbooks/r.md', index)).toEqual({ kind: 'repository', path: 'docs/index.md', folder: false });
    expect(resolveReference('path', 'scripts/', 'runbooks/r.md', index)).toEqual({ kind: 'repository', path: 'scripts', folder: true });
    expect(resolveReference('path', 'docs/reference/', 'runbooks/r.md', index)).toEqual({ kind: 'folder', path: 'reference', indexId: null });
  });

  it('never resolves a path outside the repository', () => {
    expect(resolveReference('path', '../../../etc/passwd.md', 'runbooks/r.md', index)).toEqual({
      kind: 'broken',
      reason: "'../../../etc/passwd.md' points outside the repository",
    });
  });
});
