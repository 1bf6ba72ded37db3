import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadContract, resolveContract } from '../../../src/lib/docs/load-contract.ts';
import { defaultDocsContract } from '../../../src/lib/docs/default-contract.ts';
import { parseFrontmatter } from '../../../src/lib/docs/parse-frontmatter.ts';
import { validateDoc } from '../../../src/lib/docs/validate-doc.ts';
import type { DocRecord } from '../../../src/lib/docs/doc-record.ts';
import { createMarkdownRenderer, type MarkdownRenderer } from '../../../src/lib/markdown/render-markdown.ts';
import { rehypeLinkReferences, type ReferenceLinker } from '../../../src/lib/docs/link-references.ts';
import { COVERABLE_KINDS, troubleshootingSections, troubleshootingSectionsOf, type Coverage } from '../../../src/lib/incidents/troubleshooting-sections.ts';
import { doc } from '../../support/temp-docs.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SHIPPED = 'runbooks/runbook-runner-image.md';
const defaultContract = resolveContract(defaultDocsContract, null, '/nonexistent');

let renderer: MarkdownRenderer;
beforeAll(async () => {
  renderer = await createMarkdownRenderer();
});

const linker: ReferenceLinker = {
  matchIds: () => [],
  resolve: (_kind, target) => ({ kind: 'broken', reason: `no doc has id '${target}'` }),
  hrefForDoc: (id, anchor) => `/docs/${id}${anchor ? `#${anchor}` : ''}`,
  hrefForRepository: () => null,
  hrefForFolder: (folder) => `/?folder=${folder}`,
};

/** The ids the doc page gives its headings, in order (the page renders with this renderer). */
async function pageHeadingIds(record: DocRecord): Promise<string[]> {
  const { html } = await renderer.render(record.body, { transformTree: rehypeLinkReferences(linker) });
  return [...html.matchAll(/<h[1-6] id="([^"]*)"/g)].map((m) => m[1]!);
}

function runbook(body: string, id = 'RUN-demo'): DocRecord {
  const source = doc({ type: 'runbook', id, title: 'Demo', status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, body);
  return validateDoc(`runbooks/runbook-${id.slice(4)}.md`, parseFrontmatter(source), defaultContract);
}

/** Coverage as plain data, so patterns compare by source and flags. */
function plain(covers: Coverage[]) {
  return covers.map((c) => ('pattern' in c ? { pattern: c.pattern.source, flags: c.pattern.flags } : c));
}

describe('troubleshootingSections on the shipped runbook', () => {
  const source = readFileSync(path.join(ROOT, 'content', SHIPPED), 'utf8');
  const record = validateDoc(SHIPPED, parseFrontmatter(source), loadContract(path.join(ROOT, 'content')));

  it('is a valid doc under the shipped contract', () => {
    expect(record.id).toBe('RUN-runner-image');
    expect(record.violations).toEqual([]);
  });

  it('reads every section under Troubleshooting with what it covers', () => {
    const sections = troubleshootingSections(record);
    expect(sections.map((s) => ({ docId: s.docId, anchor: s.anchor, title: s.title, covers: plain(s.covers), problems: s.problems }))).toEqual([
      {
        docId: 'RUN-runner-image',
        anchor: 'runner-containers-do-not-start',
        title: 'Runner containers do not start',
        covers: [{ kind: 'docker_unreachable', assertion: null }, { pattern: 'permission denied.*docker\\.sock', flags: 'i' }],
        problems: [],
      },
      { docId: 'RUN-runner-image', anchor: 'the-runner-image-is-missing', title: 'The runner image is missing', covers: [{ kind: 'image_not_found', assertion: null }], problems: [] },
      { docId: 'RUN-runner-image', anchor: 'the-build-fails', title: 'The build fails', covers: [{ kind: 'build_failed', assertion: null }], problems: [] },
      {
        docId: 'RUN-runner-image',
        anchor: 'settings-are-not-applied-in-the-runner',
        title: 'Settings are not applied in the runner',
        covers: [{ kind: 'contract_violation', assertion: 'saved settings reach the tool' }],
        problems: [],
      },
      {
        docId: 'RUN-runner-image',
        anchor: 'uploaded-files-are-missing',
        title: 'Uploaded files are missing',
        covers: [{ kind: 'contract_violation', assertion: 'the manifest lists every upload with its size, and the files exist' }],
        problems: [],
      },
      {
        docId: 'RUN-runner-image',
        anchor: 'the-result-file-is-rejected',
        title: 'The result file is rejected',
        covers: [
          { kind: 'contract_violation', assertion: 'result.json is written' },
          { kind: 'contract_violation', assertion: 'result.json is contract v2' },
          { kind: 'contract_violation', assertion: 'artifacts stay under output/' },
        ],
        problems: [],
      },
      {
        docId: 'RUN-runner-image',
        anchor: 'the-runner-runs-as-root',
        title: 'The runner runs as root',
        covers: [
          { kind: 'contract_violation', assertion: 'the image declares a non-root user' },
          { kind: 'contract_violation', assertion: 'the tool ran as a non-root uid' },
        ],
        problems: [],
      },
      {
        docId: 'RUN-runner-image',
        anchor: 'the-image-is-labelled-for-another-contract',
        title: 'The image is labelled for another contract',
        covers: [{ kind: 'contract_violation', assertion: 'the image is labelled with runner contract 2' }],
        problems: [],
      },
      { docId: 'RUN-runner-image', anchor: 'tool-runs-time-out', title: 'Tool runs time out', covers: [{ kind: 'timeout', assertion: null }], problems: [] },
    ]);
  });

  it('uses exactly the ids the doc page gives those headings', async () => {
    const ids = await pageHeadingIds(record);
    const sections = troubleshootingSections(record);
    for (const section of sections) expect(ids).toContain(section.anchor);
    // The sections are the headings right after the Troubleshooting heading, in order.
    const start = ids.indexOf('troubleshooting');
    expect(ids.slice(start + 1)).toEqual(sections.map((s) => s.anchor));
  });

  it('names assertions that the shipped smoke test really has', () => {
    const labels = [...source.matchAll(/^ {2}- name: (.+)$/gm)].map((m) => m[1]);
    const named = troubleshootingSections(record).flatMap((s) => s.covers.flatMap((c) => ('kind' in c && c.assertion ? [c.assertion] : [])));
    for (const assertion of named) expect(labels).toContain(assertion);
  });

  it('is cached per record: the same array for the same DocRecord', () => {
    expect(troubleshootingSections(record)).toBe(troubleshootingSections(record));
  });
});

describe('troubleshootingSections: what a Covers: line may say', () => {
  it('reports an unknown failure kind with a pinned message, and keeps the valid entries', () => {
    const [section] = troubleshootingSections(runbook('## Troubleshooting\n\n### Oops\n\nCovers: `exit_nonzero`, `disk_full`, `cancelled`\n'));
    expect(plain(section!.covers)).toEqual([{ kind: 'exit_nonzero', assertion: null }]);
    expect(section!.problems).toEqual([
      `RUN-demo#oops: covers \`disk_full\`, which is not a failure kind (${COVERABLE_KINDS.join(', ')}) or a /pattern/`,
      `RUN-demo#oops: covers \`cancelled\`, which is not a failure kind (docker_unreachable, image_not_found, build_failed, timeout, exit_nonzero, oom_killed, contract_violation) or a /pattern/`,
    ]);
  });

  it('reports an invalid regular expression or invalid flags with a pinned message', () => {
    const [section] = troubleshootingSections(runbook('## Troubleshooting\n\n### Bad patterns\n\nCovers: `/[/`, `/disk/x`, `/no space left/`\n'));
    expect(plain(section!.covers)).toEqual([{ pattern: 'no space left', flags: 'i' }]);
    expect(section!.problems).toEqual([
      'RUN-demo#bad-patterns: /[/ is not a valid regular expression (Invalid regular expression: /[/i: Unterminated character class)',
      "RUN-demo#bad-patterns: /disk/x is not a valid regular expression (Invalid flags supplied to RegExp constructor 'x')",
    ]);
  });

  it('keeps explicit flags, defaults to case-insensitive, and reads assertions with colons in them', () => {
    const [section] = troubleshootingSections(
      runbook('## Troubleshooting\n\n### Mixed\n\nCovers: `/Exact Case/s`, `/any case/`, `contract_violation: status: is 2`, ` timeout `, `contract_violation:`\n'),
    );
    expect(plain(section!.covers)).toEqual([
      { pattern: 'Exact Case', flags: 's' },
      { pattern: 'any case', flags: 'i' },
      { kind: 'contract_violation', assertion: 'status: is 2' },
      { kind: 'timeout', assertion: null },
      { kind: 'contract_violation', assertion: null },
    ]);
    expect(section!.problems).toEqual([]);
  });

  it('reads the line case-insensitively; a paragraph that does not start with Covers: is prose', () => {
    const [section] = troubleshootingSections(
      runbook('## Troubleshooting\n\n### Prose\n\nThis mentions `oom_killed` but is no Covers line.\n\nCOVERS: `timeout` and plain text\n'),
    );
    expect(plain(section!.covers)).toEqual([{ kind: 'timeout', assertion: null }]);
  });

  it('gathers several Covers: paragraphs of one section', () => {
    const [section] = troubleshootingSections(runbook('## Troubleshooting\n\n### Twice\n\nCovers: `timeout`\n\nText.\n\nCovers: `oom_killed`\n'));
    expect(plain(section!.covers)).toEqual([{ kind: 'timeout', assertion: null }, { kind: 'oom_killed', assertion: null }]);
  });
});

describe('troubleshootingSections: which headings count', () => {
  const body = [
    '## Procedures',
    '',
    '### Setup',
    '',
    'Covers: `timeout`',
    '',
    '### Troubleshooting tips',
    '',
    'Covers: `oom_killed`',
    '',
    '## Troubleshooting',
    '',
    'Covers: `build_failed`',
    '',
    '### Setup',
    '',
    'Covers: `exit_nonzero`',
    '',
    '#### Digging deeper',
    '',
    'Covers: `/deeper/`',
    '',
    '### The image is gone',
    '',
    'Covers: `image_not_found`',
    '',
    '## After troubleshooting',
    '',
    '### Later',
    '',
    'Covers: `docker_unreachable`',
    '',
    '## Operations',
    '',
    '### Troubleshooting',
    '',
    '#### Disk full',
    '',
    'Covers: `/no space left/`',
    '',
    '### Not troubleshooting any more',
    '',
    '#### Ignored',
    '',
    'Covers: `timeout`',
    '',
  ].join('\n');
  const record = runbook(body);

  it('takes only the direct subsections of each Troubleshooting heading, at any depth', () => {
    const sections = troubleshootingSections(record);
    expect(sections.map((s) => ({ anchor: s.anchor, title: s.title, covers: plain(s.covers) }))).toEqual([
      // A repeated heading text gets the slugger's suffix, as on the page.
      { anchor: 'setup-1', title: 'Setup', covers: [{ kind: 'exit_nonzero', assertion: null }, { pattern: 'deeper', flags: 'i' }] },
      { anchor: 'the-image-is-gone', title: 'The image is gone', covers: [{ kind: 'image_not_found', assertion: null }] },
      { anchor: 'disk-full', title: 'Disk full', covers: [{ pattern: 'no space left', flags: 'i' }] },
    ]);
    expect(sections.every((s) => s.docId === 'RUN-demo' && s.problems.length === 0)).toBe(true);
  });

  it('gives each section the id its heading has on the page', async () => {
    const ids = await pageHeadingIds(record);
    for (const section of troubleshootingSections(record)) expect(ids).toContain(section.anchor);
    expect(ids.filter((id) => id.startsWith('setup'))).toEqual(['setup', 'setup-1']);
  });

  it('finds nothing in a doc without a Troubleshooting heading', () => {
    expect(troubleshootingSections(runbook('## Steps\n\n### One\n\nCovers: `timeout`\n'))).toEqual([]);
  });

  it('ignores a Troubleshooting section with no subsections', () => {
    expect(troubleshootingSections(runbook('## Troubleshooting\n\nCovers: `timeout`\n'))).toEqual([]);
  });

  it('takes inline markup in a heading as its text, like the page', async () => {
    const record = runbook('## Troubleshooting\n\n### `docker` says *permission denied*\n\nCovers: `docker_unreachable`\n');
    const [section] = troubleshootingSections(record);
    expect(section).toMatchObject({ anchor: 'docker-says-permission-denied', title: 'docker says permission denied' });
    expect(await pageHeadingIds(record)).toContain(section!.anchor);
  });

  // A regression test: this once went wrong.
  it('gives a section the page id even when an earlier same-text heading is nested', async () => {
    const record = runbook('> ### Disk full\n>\n> A quoted note.\n\n## Troubleshooting\n\n### Disk full\n\nCovers: `/no space left/`\n');
    const [section] = troubleshootingSections(record);
    const ids = await pageHeadingIds(record);
    expect(ids).toEqual(['disk-full', 'troubleshooting', 'disk-full-1']);
    expect(section!.anchor).toBe('disk-full-1');
  });
});

describe('troubleshootingSectionsOf', () => {
  const section = (n: number) => `## Troubleshooting\n\n### Failure ${n}\n\nCovers: \`timeout\`, \`/disk ${n} full/\`\n\n${'Some prose about the failure, long enough to parse. '.repeat(40)}\n`;

  it('gives every doc\'s sections in order, as troubleshootingSections does one by one', async () => {
    const docs = Array.from({ length: 30 }, (_, i) => runbook(i % 3 === 0 ? '## Steps\n\nNothing here.\n' : section(i), `RUN-many-${i}`));
    const all = await troubleshootingSectionsOf(docs);
    expect(all.map((s) => `${s.docId}#${s.anchor}`)).toEqual(docs.flatMap((d) => troubleshootingSections(d)).map((s) => `${s.docId}#${s.anchor}`));
    expect(all).toHaveLength(20);
  });

  it('lets other work run while it parses hundreds of docs', async () => {
    let bodiesRead = 0;
    // Each doc counts the reads of its body, so the test sees how far the parse had got.
    const docs = Array.from({ length: 400 }, (_, i) => {
      const record = runbook(section(i), `RUN-big-${i}`);
      const body = record.body;
      return Object.defineProperty({ ...record }, 'body', { get: () => ((bodiesRead += 1), body) }) as DocRecord;
    });
    let readBeforeOtherWork: number | null = null;
    const parsing = troubleshootingSectionsOf(docs);
    // Queued behind the first slice: it runs at the first turn the parse gives back.
    setImmediate(() => (readBeforeOtherWork = bodiesRead));
    const all = await parsing;
    expect(all).toHaveLength(400);
    expect(readBeforeOtherWork).toBeGreaterThan(0);
    expect(readBeforeOtherWork!).toBeLessThan(bodiesRead);
  });
});
