import { afterEach, describe, expect, it } from 'vitest';
import { utimesSync } from 'node:fs';
import path from 'node:path';
import { DocsRepository } from '../../../src/lib/docs/docs-repository.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');
let docs: TempDocs;
afterEach(() => docs?.cleanup());

const adr = (id: string, extra: Record<string, unknown> = {}, body?: string) =>
  doc({ type: 'adr', id, title: `Decision ${id}`, status: 'accepted', owners: 'p', created: '2026-01-01', ...extra }, body);

// Editors can save twice within one mtime tick; a distinct mtime makes the change visible
// the way a real edit a moment later would be.
function touch(file: string, secondsAhead: number) {
  const when = new Date(Date.now() + secondsAhead * 1000);
  utimesSync(file, when, when);
}

describe('DocsRepository', () => {
  it('resolves links both ways and reports problems in a real folder', async () => {
    docs = makeTempDocs(path.join(FIXTURES, 'broken-docs'));
    const set = await new DocsRepository(docs.dir).current();
    expect(set.docs.map((d) => d.id).sort()).toEqual(['ADR-0001', 'RUN-broken', 'notes-stray']);
    expect(set.graph.outgoing.get('ADR-0001')).toEqual([{ id: 'RUN-broken', anchor: null, origin: 'frontmatter' }]);
    expect(set.graph.backlinks.get('ADR-0001')).toEqual(['RUN-broken']);
    expect(set.graph.backlinks.get('RUN-broken')).toEqual(['ADR-0001']);
    expect(set.violations.map((v) => `${v.file} ${v.rule}`)).toEqual([
      'notes/stray.md folder-not-allowed',
      'notes/stray.md frontmatter-missing',
      'notes/stray.md no-type-for-folder',
      'runbooks/runbook-broken.md required-missing',
      'runbooks/runbook-broken.md unknown-key',
      'runbooks/runbook-broken.md status-not-allowed',
      'runbooks/runbook-broken.md date-invalid',
    ]);
    expect(set.broken.map((b) => `${b.file}:${b.line} ${b.target}`)).toEqual([
      'adr/adr-0001-good.md:12 ADR-0404',
      'runbooks/runbook-broken.md:12 ../reference/ref-missing.md',
    ]);
  });

  it('shows an edited, added or deleted file on the next call, without a restart', async () => {
    docs = makeTempDocs();
    docs.write('adr/adr-0001-a.md', adr('ADR-0001', {}, 'Mentions ADR-0002.\n'));
    const repo = new DocsRepository(docs.dir);
    const first = await repo.current();
    expect(first.broken.map((b) => b.target)).toEqual(['ADR-0002']);
    expect(await repo.current()).toBe(first);

    docs.write('adr/adr-0002-b.md', adr('ADR-0002'));
    const added = await repo.current();
    expect(added.docs.map((d) => d.id)).toEqual(['ADR-0001', 'ADR-0002']);
    expect(added.broken).toEqual([]);
    expect(added.graph.backlinks.get('ADR-0002')).toEqual(['ADR-0001']);

    touch(docs.write('adr/adr-0002-b.md', adr('ADR-0002', { title: 'Renamed' })), 5);
    expect((await repo.current()).byId.get('ADR-0002')?.title).toBe('Renamed');

    docs.remove('adr/adr-0002-b.md');
    const removed = await repo.current();
    expect(removed.byId.has('ADR-0002')).toBe(false);
    expect(removed.broken.map((b) => b.target)).toEqual(['ADR-0002']);
  });

  it('reports duplicate ids without hiding the first doc', async () => {
    docs = makeTempDocs();
    docs.write('adr/adr-0001-a.md', adr('ADR-0001'));
    docs.write('adr/adr-0001-b.md', adr('ADR-0001'));
    const set = await new DocsRepository(docs.dir).current();
    expect(set.byId.get('ADR-0001')?.path).toBe('adr/adr-0001-a.md');
    expect(set.violations.map((v) => v.message)).toEqual(["id 'ADR-0001' is already used by adr/adr-0001-a.md; ids must be unique"]);
  });

  it('keeps serving when the contract file breaks, says why, and judges no doc by another contract', async () => {
    docs = makeTempDocs();
    docs.write('adr/adr-0001-a.md', adr('ADR-0001'));
    docs.write('notes/stray.md', '# no frontmatter\n');
    docs.write('_meta/docs-contract.yaml', 'version: 1\ntypes: {}\n');
    const set = await new DocsRepository(docs.dir).current();
    expect(set.docs).toHaveLength(2);
    expect(set.contract.usable).toBe(false);
    expect(set.violations.map((v) => `${v.file} ${v.rule}`)).toEqual(Array(3).fill('_meta/docs-contract.yaml contract-invalid'));
    expect(set.violations.map((v) => v.message)).toEqual([
      'allowed_top_level: Invalid input: expected array, received undefined',
      'frontmatter: Invalid input: expected object, received undefined',
      'types: at least one type is required',
    ]);
    expect(set.findings.every((f) => f.severity === 'error' && f.rule === 'contract-invalid')).toBe(true);
  });

  it('reports a missing docs folder instead of failing', async () => {
    const set = await new DocsRepository('/nonexistent/docs').current();
    expect(set.docs).toEqual([]);
    expect(set.violations[0]!.message).toBe('docs folder /nonexistent/docs does not exist; set DOCS_DIR to a folder of markdown docs');
  });

  it('skips exempt files without frontmatter, and reports a symlink out of the folder without following it', async () => {
    docs = makeTempDocs();
    docs.write('README.md', '# Docs\n');
    docs.write('adr/adr-0001-a.md', adr('ADR-0001'));
    const { symlinkSync } = await import('node:fs');
    symlinkSync('/etc/hostname', path.join(docs.dir, 'adr', 'adr-0002-link.md'));
    const set = await new DocsRepository(docs.dir).current();
    expect(set.docs.map((d) => d.path)).toEqual(['adr/adr-0001-a.md']);
    expect(set.violations).toEqual([
      {
        file: 'adr/adr-0002-link.md',
        rule: 'symlink-outside-docs',
        message: 'adr/adr-0002-link.md is a symlink to /etc/hostname, outside the docs folder; it is never followed or served; remove it, or copy the file into the docs folder',
      },
    ]);
  });

  it('reads the seed runbook and reports its links to docs this folder lacks', async () => {
    docs = makeTempDocs(path.join(FIXTURES, 'seed'));
    const set = await new DocsRepository(docs.dir).current();
    expect(set.violations).toEqual([]);
    expect(new Set(set.broken.map((b) => b.target))).toEqual(
      new Set(['ADR-0013', 'ADR-0015', 'REF-ai-script-generation-kb', 'REF-tool-editor-framework-codemap', 'docs/reference/ref-ai-script-generation-kb.md']),
    );
  });
});
