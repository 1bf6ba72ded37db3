// What git metadata costs, on the 1,000-doc team repository with a history of its own.
//   npx astro build && node_modules/.bin/node bench/git-history.ts
// Env: DOCS (1000), COMMITS (500 after the first), ROUNDS (200 page requests per side), WALKS (10).
// Prints: the git log walk (a fresh GitHistory each time), a cached lookup, and doc page latency
// on two servers over the same files, one with the repository's .git and one without (REPO_DIR
// names the same root, so links resolve alike), requests interleaved: cached answers, and
// renders (a new query string each time, so the page cache misses and the page is assembled).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitHistory, locateRepository } from '../src/lib/docs/index.ts';
import { pollUntil } from '../test/support/poll.ts';
import { startServer, type RunningServer } from '../test/support/server.ts';
import { makeTeamRepo } from '../test/support/team-repo.ts';
import { prng } from '../test/support/prng.ts';
import { ms, quantile, repeat } from './lib.ts';

const DOCS = Number(process.env.DOCS ?? 1000);
const COMMITS = Number(process.env.COMMITS ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const WALKS = Number(process.env.WALKS ?? 10);

const withGit = makeTeamRepo({ docs: DOCS });
const withoutGit = makeTeamRepo({ docs: DOCS, git: false });
const git = (...args: string[]) => execFileSync('git', args, { cwd: withGit.root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
// A history: each commit edits one to three docs, by one of five authors, a day apart. Made
// with one `git fast-import` (seconds, where a commit per process would take minutes), then
// checked out, so the files on disk are the last commit's.
const rng = prng(0x61e);
const started = performance.now();
const contents = new Map<string, string>();
const stream: string[] = [];
for (let i = 0; i < COMMITS; i++) {
  const when = Math.floor(Date.UTC(2026, 0, 1) / 1000) + i * 86_400;
  const message = `Revision ${i}\n`;
  stream.push(`commit refs/heads/main\ncommitter Author ${i % 5} <a${i % 5}@example.invalid> ${when} +0000\ndata ${Buffer.byteLength(message)}\n${message}`);
  if (i === 0) stream.push('from refs/heads/main^0\n');
  for (let n = 1 + Math.floor(rng() * 3); n > 0; n--) {
    const file = withGit.docFiles[Math.floor(rng() * withGit.docFiles.length)]!;
    const next = `${contents.get(file) ?? readFileSync(path.join(withGit.root, file), 'utf8')}\nRevision ${i}.\n`;
    contents.set(file, next);
    stream.push(`M 100644 inline ${file}\ndata ${Buffer.byteLength(next)}\n${next}\n`);
  }
}
execFileSync('git', ['fast-import', '--quiet'], { cwd: withGit.root, input: stream.join(''), stdio: ['pipe', 'ignore', 'inherit'] });
git('reset', '-q', '--hard', 'main');
// The other copy gets the same file contents, without a repository.
cpSync(withGit.docsDir, withoutGit.docsDir, { recursive: true });
const commits = Number(git('rev-list', '--count', 'HEAD').trim());
console.log(`docs: ${withGit.docFiles.length}, commits: ${commits} (made in ${(performance.now() - started) / 1000 | 0} s), git ${git('--version').trim().replace('git version ', '')}`);

// 1. The walk, cold each time.
const location = locateRepository(withGit.docsDir);
const walks: number[] = [];
let files = 0;
for (let i = 0; i < WALKS; i++) {
  const history = new GitHistory(location);
  const t = performance.now();
  history.poll();
  await history.idle();
  walks.push(performance.now() - t);
  files = history.lastWalk?.files ?? 0;
}
const warm = new GitHistory(location);
warm.poll();
await warm.idle();
const lookups = await repeat(5, async () => {
  for (const file of withGit.docFiles) warm.lastCommit(file);
});
console.log(`\n| walk of ${commits} commits, ${files} files known | median ${ms(quantile(walks, 0.5))} | p95 ${ms(quantile(walks, 0.95))} | max ${ms(Math.max(...walks))} |`);
console.log(`| ${withGit.docFiles.length} cached lookups | median ${ms(quantile(lookups, 0.5))} | | |`);

// 2. Doc pages, with and without git.
const work = mkdtempSync(path.join(tmpdir(), 'bench-git-'));
const servers: Record<'git' | 'none', RunningServer> = {
  git: await startServer({ DOCS_DIR: withGit.docsDir, DATA_DIR: path.join(work, 'git') }),
  none: await startServer({ DOCS_DIR: withoutGit.docsDir, REPO_DIR: withoutGit.root, DATA_DIR: path.join(work, 'none') }),
};
const api = (await (await fetch(`${servers.git.url}/api/docs`)).json()) as { docs: Array<{ id: string; path: string }> };
const target = api.docs.find((d) => d.path.startsWith('runbooks/'))!;
const route = `/docs/${encodeURIComponent(target.id)}`;
// The first doc page builds the core and starts the walk; the line shows on a later request.
const showsCommit = (html: string) => /class="last-updated"[^>]*>Last updated[\s\S]*? by /.test(html);
const firstPage = performance.now();
const firstHtml = await (await fetch(servers.git.url + route)).text();
const firstMs = performance.now() - firstPage;
await pollUntil('the git line on the doc page', async () => showsCommit(await (await fetch(servers.git.url + route)).text()), { everyMs: 5 });
console.log(`\nfirst doc page after start: ${ms(firstMs)} (${showsCommit(firstHtml) ? 'with' : 'without'} the line); the line shows ${ms(performance.now() - firstPage)} after it was asked for`);
const noneHtml = await (await fetch(servers.none.url + route)).text();
if (/class="last-updated"[^>]*>Last updated[\s\S]*? by /.test(noneHtml)) throw new Error('the server without .git shows a commit');

const get = async (url: string) => {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
};
const sample = async (query: (i: number) => string) => {
  const times = { git: [] as number[], none: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const side of i % 2 === 0 ? (['git', 'none'] as const) : (['none', 'git'] as const)) {
      const t = performance.now();
      await get(`${servers[side].url}${route}${query(i)}`);
      times[side].push(performance.now() - t);
    }
  }
  return times;
};
await sample(() => '');
console.log(`\n| doc page (${ROUNDS} each, interleaved) | with git median | p95 | without median | p95 | ratio (median) |`);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, query] of [['cached', () => ''], ['rendered (cache miss)', (i: number) => `?bench=${i}`]] as const) {
  const times = await sample(query);
  const [a, b] = [quantile(times.git, 0.5), quantile(times.none, 0.5)];
  console.log(`| ${name} | ${ms(a)} | ${ms(quantile(times.git, 0.95))} | ${ms(b)} | ${ms(quantile(times.none, 0.95))} | ${(a / b).toFixed(2)}× |`);
}

await Promise.all(Object.values(servers).map((server) => server.stop()));
withGit.cleanup();
withoutGit.cleanup();
rmSync(work, { recursive: true, force: true });
