// Full-text search on a 1,000-doc team repository, measured in one run against two baselines:
// a naive scan of every doc's text for the same words (in process), and `/healthz` (over HTTP).
//   npx astro build && node_modules/.bin/node bench/search.ts
// Knobs: DOCS (generated docs, default 1000), ROUNDS (calls per query kind and side, default 200).
// Prints medians and p95s of the index's search call, of the same call with the folder re-read
// first (what a request pays), of GET /api/search uncached and cached, and the build and
// re-index costs. Exits 1 when a p95 of the search call or the uncached median misses 20 ms.
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DocsRepository } from '../src/lib/docs/index.ts';
import { DocSearch, searchRequestSchema, SqliteSearchIndex, type SearchRequest } from '../src/lib/search/index.ts';
import { startServer } from '../test/support/server.ts';
import { makeTeamRepo } from '../test/support/team-repo.ts';
import { ms, quantile, repeat, time } from './lib.ts';

const DOCS = Number(process.env.DOCS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const GOAL_MS = 20;

// What people type: words in most docs, words in a few, half-typed words, ids, several words, and filters.
type Query = { q: string; type?: string; status?: string; owner?: string };
const KINDS: Record<string, Query[]> = {
  common: [{ q: 'ledger' }, { q: 'payouts' }, { q: 'the' }, { q: 'seller' }],
  rare: [{ q: 'idempotency' }, { q: 'jitter' }, { q: 'grafana' }, { q: 'bastion' }],
  prefix: [{ q: 'reconc' }, { q: 'pay' }, { q: 'stat' }, { q: 'webh' }],
  'several words': [{ q: 'bank feed retries' }, { q: 'rollout status deploy' }, { q: 'month end close exports' }],
  id: [{ q: 'ADR-0013' }, { q: 'STORY-017' }, { q: 'RUN-ledger-api-restart' }],
  filtered: [{ q: 'restart', type: 'runbook' }, { q: 'export', owner: 'team-ledger' }, { q: 'alert', status: 'active' }, { q: 'ledger', type: 'story', status: 'done' }],
};
const request = (query: Query): SearchRequest => searchRequestSchema.parse(query);

const repo = makeTeamRepo({ docs: DOCS });
const repository = new DocsRepository(repo.docsDir);
const set = await repository.current();
console.log(`docs: ${set.docs.length}, rounds per kind: ${ROUNDS}`);

// The index made from scratch, as the first search makes it.
const index = new SqliteSearchIndex();
const buildMs = await time(async () => index.sync(set));

// The baseline: every doc's title and body lowercased once, then each word looked for in every doc.
const haystacks = set.docs.map((doc) => `${doc.title}\n${doc.id}\n${doc.body}`.toLowerCase());
const naiveScan = (q: string) => {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return haystacks.filter((text) => words.every((word) => text.includes(word))).length;
};

console.log('\n| query kind | search call median | p95 | naive scan median | p95 | ratio (median) | hits (first query) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
const callP95s: number[] = [];
for (const [kind, queries] of Object.entries(KINDS)) {
  const requests = queries.map(request);
  await repeat(20, async (i) => index.search(requests[i % requests.length]!));
  const call = await repeat(ROUNDS, async (i) => index.search(requests[i % requests.length]!));
  const scan = await repeat(ROUNDS, async (i) => naiveScan(queries[i % queries.length]!.q));
  callP95s.push(quantile(call, 0.95));
  console.log(`| ${kind} | ${ms(quantile(call, 0.5))} | ${ms(quantile(call, 0.95))} | ${ms(quantile(scan, 0.5))} | ${ms(quantile(scan, 0.95))} | ${(quantile(call, 0.5) / quantile(scan, 0.5)).toFixed(2)}× | ${index.search(requests[0]!).total} |`);
}

// In process, the folder listed and stamped again first (what a server without a folder watch pays).
const search = new DocSearch(repository);
const all = Object.values(KINDS).flat().map(request);
await search.search(all[0]!);
const withListing = await repeat(ROUNDS, (i) => search.search(all[i % all.length]!));

// One doc edited: the folder read again (the docs domain's cost), then the index brought up to
// it, which writes that one doc's rows again, then the search for its new word.
const edited = path.join(repo.docsDir, set.docs.find((doc) => doc.path.startsWith('runbooks/'))!.path);
const source = readFileSync(edited, 'utf8');
const reread: number[] = [];
const resync: number[] = [];
const found: number[] = [];
for (let i = 0; i < 30; i += 1) {
  writeFileSync(edited, `${source}\nEdit ${i}: the word kumquat${i} is new.\n`);
  const when = new Date(Date.now() + (i + 1) * 1000);
  utimesSync(edited, when, when);
  let next = set;
  reread.push(await time(async () => (next = await repository.current())));
  let counts = { indexed: 0, removed: 0 };
  resync.push(await time(async () => (counts = index.sync(next))));
  let total = 0;
  found.push(await time(async () => (total = index.search(request({ q: `kumquat${i}` })).total)));
  if (total !== 1 || counts.indexed !== 1) throw new Error(`edit ${i}: ${total} hits, ${JSON.stringify(counts)}`);
}
writeFileSync(edited, source);

console.log('\n| part | median | p95 |');
console.log('| --- | --- | --- |');
console.log(`| first search: index ${set.docs.length} docs from scratch (once) | ${ms(buildMs)} | — |`);
console.log(`| \`DocSearch.search\` on \`DocsRepository.current()\`: folder re-listed, index synced, query | ${ms(quantile(withListing, 0.5))} | ${ms(quantile(withListing, 0.95))} |`);
console.log(`| one doc edited: docs folder read again (docs domain, not search) | ${ms(quantile(reread, 0.5))} | ${ms(quantile(reread, 0.95))} |`);
console.log(`| one doc edited: \`index.sync\` (1 doc written again) | ${ms(quantile(resync, 0.5))} | ${ms(quantile(resync, 0.95))} |`);
console.log(`| one doc edited: search for its new word | ${ms(quantile(found, 0.5))} | ${ms(quantile(found, 0.95))} |`);
search.close();
index.close();

// Over HTTP: every request a query string not asked before (a cache miss), then one query asked again (a hit).
const work = mkdtempSync(path.join(tmpdir(), 'bench-search-'));
const server = await startServer({ DOCS_DIR: repo.docsDir, DATA_DIR: path.join(work, 'data') });
const get = async (route: string) => {
  const response = await fetch(server.url + route);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${route} answered ${response.status}`);
};
const queryString = (query: Query, limit: number) => new URLSearchParams({ ...query, limit: String(limit) }).toString();
const firstMs = await time(() => get(`/api/search?${queryString({ q: 'warm' }, 20)}`));
const everyQuery = Object.values(KINDS).flat();
await repeat(20, () => get('/healthz'));
// 100 limits × the queries: distinct URLs, so none is answered from the page cache.
const uncached = await repeat(ROUNDS, (i) => get(`/api/search?${queryString(everyQuery[i % everyQuery.length]!, 1 + Math.floor(i / everyQuery.length) % 100)}`));
const cached = await repeat(ROUNDS, () => get(`/api/search?${queryString({ q: 'ledger' }, 20)}`));
const pageMiss = await repeat(Math.min(ROUNDS, 100), (i) => get(`/search?${queryString(everyQuery[i % everyQuery.length]!, 21 + (i % 50))}`));
const healthz = await repeat(ROUNDS, () => get('/healthz'));
await server.stop();

console.log('\n| over HTTP | median | p95 | ratio to `/healthz` (median) |');
console.log('| --- | --- | --- | --- |');
console.log(`| first \`GET /api/search\` after start (builds the index) | ${ms(firstMs)} | — | — |`);
for (const [name, values] of [['`GET /api/search`, uncached', uncached], ['`GET /api/search`, cached', cached], ['`GET /search` page, uncached', pageMiss], ['`GET /healthz`', healthz]] as const) {
  console.log(`| ${name} | ${ms(quantile(values, 0.5))} | ${ms(quantile(values, 0.95))} | ${(quantile(values, 0.5) / quantile(healthz, 0.5)).toFixed(2)}× |`);
}

const met = Math.max(...callP95s) <= GOAL_MS && quantile(uncached, 0.5) <= GOAL_MS;
console.log(`\ngoal ≤ ${GOAL_MS} ms (search call p95 of every kind, GET /api/search uncached median): ${met ? 'met' : 'missed'}`);
rmSync(work, { recursive: true, force: true });
repo.cleanup();
process.exitCode = met ? 0 : 1;
