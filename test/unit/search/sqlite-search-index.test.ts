import { afterEach, describe, expect, it } from 'vitest';
import { utimesSync } from 'node:fs';
import { DocsRepository } from '../../../src/lib/docs/index.ts';
import { DocSearch, searchRequestSchema, SqliteSearchIndex, type SearchRequest } from '../../../src/lib/search/index.ts';
import { prng } from '../../support/prng.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

let docs: TempDocs;
const indexes: SqliteSearchIndex[] = [];
afterEach(() => {
  docs?.cleanup();
  for (const index of indexes.splice(0)) index.close();
});

const request = (q: string, extra: Partial<SearchRequest> = {}) => searchRequestSchema.parse({ q, ...extra });

const runbook = (name: string, title: string, body: string, extra: Record<string, unknown> = {}) =>
  doc({ type: 'runbook', id: `RUN-${name}`, title, status: 'active', owners: ['platform'], created: '2026-01-01', ...extra }, body);

// Three runbooks and an ADR: a word only in one body, a word in a title and in another body, owners and statuses to filter by.
function writeFolder(): TempDocs {
  const folder = makeTempDocs();
  folder.write('runbooks/runbook-restore.md', runbook('restore', 'Restore the ledger', '# Restore the ledger\n\n## Before you start\n\nTake a snapshot of the replica.\n\n## Roll back\n\nIf the replica lags, take a snapshot and run the quiescence check first.\n'));
  folder.write('runbooks/runbook-rotate.md', runbook('rotate', 'Rotate webhook keys', '## Steps\n\nRotate, then restore the old key if clients fail.\n', { owners: ['security', 'platform'], status: 'draft' }));
  folder.write('runbooks/runbook-drain.md', runbook('drain', 'Drain a node', '## Steps\n\nCordon the node. <script>alert(1)</script> Drain it.\n', { owners: 'ops' }));
  folder.write('adr/adr-0001-snapshots.md', doc({ type: 'adr', id: 'ADR-0001', title: 'Nightly snapshots', status: 'accepted', owners: 'platform', created: '2026-01-01', deciders: ['li'] }, '## Decision\n\nWe take a snapshot every night.\n'));
  return folder;
}

async function indexOf(folder: TempDocs): Promise<{ index: SqliteSearchIndex; repository: DocsRepository }> {
  const repository = new DocsRepository(folder.dir);
  const index = new SqliteSearchIndex();
  indexes.push(index);
  expect(index.sync(await repository.current())).toEqual({ indexed: 4, removed: 0 });
  return { index, repository };
}

describe('the search index', () => {
  it('finds a word only in a body, and points at the heading it is under', async () => {
    docs = writeFolder();
    const { index } = await indexOf(docs);
    const result = index.search(request('quiescence'));
    expect(result.total).toBe(1);
    expect(result.hits[0]).toMatchObject({ id: 'RUN-restore', heading: 'Roll back', anchor: 'roll-back', href: '/docs/RUN-restore#roll-back', type: 'runbook', status: 'active', owners: ['platform'] });
    expect(result.hits[0]!.snippet).toBe('If the replica lags, take a snapshot and run the <mark>quiescence</mark> check first.');
  });

  it('ranks a doc with the word in its title above one with it in the body, and stems words', async () => {
    docs = writeFolder();
    const { index } = await indexOf(docs);
    const result = index.search(request('restoring '));
    expect(result.hits.map((hit) => hit.id)).toEqual(['RUN-restore', 'RUN-rotate']);
    expect(result.hits[1]!.snippet).toContain('then <mark>restore</mark> the old key');
  });

  it('needs every word in the doc, not in one section, and points at the first section with all of them, else with any', async () => {
    docs = writeFolder();
    const { index } = await indexOf(docs);
    const anchors = (q: string) => index.search(request(q)).hits.map((hit) => [hit.id, hit.anchor]);
    expect(anchors('snapshot replica')).toEqual([['RUN-restore', 'before-you-start']]);
    expect(anchors('snapshot lags')).toEqual([['RUN-restore', 'roll-back']]);
    expect(anchors('start quiescence')).toEqual([['RUN-restore', 'before-you-start']]);
  });

  it('matches the title, id and frontmatter values, pointing at the top of the doc', async () => {
    docs = writeFolder();
    const { index } = await indexOf(docs);
    expect(index.search(request('ADR-0001')).hits.map((hit) => [hit.id, hit.href])).toEqual([['ADR-0001', '/docs/ADR-0001']]);
    const decider = index.search(request('li '));
    expect(decider.hits.map((hit) => [hit.id, hit.anchor, hit.snippet])).toEqual([['ADR-0001', null, 'adr · accepted · platform · 2026-01-01 · <mark>li</mark>']]);
  });

  it('filters by type, status and owner, and counts each filter’s values with the other filters applied', async () => {
    docs = writeFolder();
    const { index } = await indexOf(docs);
    const all = index.search(request('snapshot OR steps'));
    expect(all.total).toBe(0); // OR is a word here, and no doc has it
    const steps = index.search(request('steps'));
    expect(steps.facets).toEqual({
      type: [{ value: 'runbook', count: 2 }],
      status: [{ value: 'active', count: 1 }, { value: 'draft', count: 1 }],
      owner: [{ value: 'ops', count: 1 }, { value: 'platform', count: 1 }, { value: 'security', count: 1 }],
    });
    const platform = index.search(request('steps', { owner: 'platform' }));
    expect(platform.hits.map((hit) => hit.id)).toEqual(['RUN-rotate']);
    expect(platform.facets.status).toEqual([{ value: 'draft', count: 1 }]);
    expect(platform.facets.owner.map((f) => f.value)).toEqual(['ops', 'platform', 'security']);
    expect(index.search(request('snapshot', { type: 'adr' })).hits.map((hit) => hit.id)).toEqual(['ADR-0001']);
    expect(index.search(request('snapshot', { status: 'retired' })).total).toBe(0);
  });

  it('pages through the hits, counting them all', async () => {
    docs = writeFolder();
    const { index } = await indexOf(docs);
    const first = index.search(request('platform', { limit: 1 }));
    const second = index.search(request('platform', { limit: 1, offset: 1 }));
    expect([first.total, second.total]).toEqual([3, 3]);
    expect(first.hits).toHaveLength(1);
    expect(second.hits[0]!.id).not.toBe(first.hits[0]!.id);
  });

  it('escapes the doc’s text in snippets', async () => {
    docs = writeFolder();
    const { index } = await indexOf(docs);
    expect(index.search(request('cordon')).hits[0]!.snippet).toBe('<mark>Cordon</mark> the node. alert(1) Drain it.');
  });

  it('writes only the doc that changed, and drops a deleted doc', async () => {
    docs = writeFolder();
    const { index, repository } = await indexOf(docs);
    const file = docs.write('runbooks/runbook-drain.md', runbook('drain', 'Drain a node', '## Steps\n\nCordon the node, then wait for the xylophone alarm.\n', { owners: 'ops' }));
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect(index.sync(await repository.current())).toEqual({ indexed: 1, removed: 0 });
    expect(index.search(request('xylophone')).hits.map((hit) => hit.id)).toEqual(['RUN-drain']);
    docs.remove('runbooks/runbook-rotate.md');
    expect(index.sync(await repository.current())).toEqual({ indexed: 0, removed: 1 });
    expect(index.search(request('webhook')).total).toBe(0);
    expect(index.size).toBe(3);
  });

  it('takes any text without a syntax error', async () => {
    docs = writeFolder();
    const { index } = await indexOf(docs);
    const random = prng(0x5ea2c4);
    const alphabet = ['"', "'", '*', '^', ':', '(', ')', '-', '+', '{', '}', 'NEAR', 'AND', 'OR', 'NOT', ' ', ' ', 'a', 'é', '0', '\\', '\uE000', '\u0000', ',', 'restore'];
    for (let n = 0; n < 500; n += 1) {
      const text = Array.from({ length: 1 + Math.floor(random() * 10) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(() => index.search(request(text)), JSON.stringify(text)).not.toThrow();
    }
  });
});

describe('search over the docs folder', () => {
  it('reads nothing for an empty search, and builds its index on the first real one', async () => {
    docs = writeFolder();
    let reads = 0;
    const repository = new DocsRepository(docs.dir);
    const search = new DocSearch({ current: () => (reads++, repository.current()) });
    expect(await search.search(request('  '))).toMatchObject({ total: 0, hits: [] });
    expect([reads, search.lastSyncCounts]).toEqual([0, null]);
    expect((await search.search(request('quiescence'))).total).toBe(1);
    expect([reads, search.lastSyncCounts]).toEqual([1, { indexed: 4, removed: 0 }]);
    await search.search(request('snapshot'));
    expect(search.lastSyncCounts).toEqual({ indexed: 0, removed: 0 });
    search.close();
  });
});
