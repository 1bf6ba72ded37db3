// Pages under load against a static server of the same bytes, measured in one run.
//   npm run build && node bench/pages.ts        (DURATION=5s CONNECTIONS=32 by default)
// For each path: `wrk -t1 -c32 -d5s --latency` against runbook-live, then against a tiny
// node:http server answering the bytes and headers runbook-live sent for that path; prints
// req/s, the ratio and p99 of both. Then times "a doc edited on disk shows on the next
// request": from the write to the end of a GET that returns the new content.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../test/support/server.ts';
import { ms, quantile } from './lib.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DURATION = process.env.DURATION ?? '5s';
const CONNECTIONS = process.env.CONNECTIONS ?? '32';
const EDITS = Number(process.env.EDITS ?? 30);

const work = mkdtempSync(path.join(tmpdir(), 'bench-pages-'));
const docsDir = path.join(work, 'docs');
cpSync(path.join(ROOT, 'content'), docsDir, { recursive: true });
mkdirSync(path.join(docsDir, 'reference'), { recursive: true });
for (let i = 0; i < 194; i++) {
  writeFileSync(
    path.join(docsDir, 'reference', `ref-generated-${i}.md`),
    `---\ntype: reference\nid: REF-generated-${i}\ntitle: "Generated ${i}"\nstatus: active\nowners: bench\ncreated: 2026-01-01\nlinks: [ADR-0013]\n---\n\n## Part\n\nMentions RUN-runner-image and REF-generated-${(i + 1) % 194}.\n`,
  );
}
// One runbook with checks, so the dashboard, the API and a badge have rows to show.
const checks = ['## Checks', '', '```bash { name=smoke check }', 'docker run --rm --network none python:3.13-slim python3 -c "print(1)"', '```', '', '```bash { name=remote check }', 'ssh prod "docker ps"', '```', ''].join('\n');
writeFileSync(path.join(docsDir, 'runbooks', 'runbook-bench.md'), `---\ntype: runbook\nid: RUN-bench\ntitle: Bench\nstatus: active\nowners: bench\ncreated: 2026-01-01\nsystem: demo\n---\n\n# Bench\n\n${checks}`);
writeFileSync(path.join(work, 'systems.yaml'), `systems:\n  demo:\n    dir: ${JSON.stringify(work)}\n`);

const server = await startServer({ DOCS_DIR: docsDir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
// A bench that fails half-way leaves no server behind.
process.on('exit', () => server.process.kill('SIGKILL'));
const paths: Array<[string, string]> = [
  ['doc page', '/docs/RUN-runner-image'],
  ['catalogue', '/'],
  ['badge', '/badge/RUN-bench/remote.svg'],
  ['/dashboard', '/dashboard'],
  ['/api/checks', '/api/checks'],
  ['/healthz', '/healthz'],
];

// The static twin of each path: the same status, headers and bytes, from memory.
const twins = new Map<string, { status: number; headers: IncomingHttpHeaders; body: Buffer }>();
for (const [, route] of paths) {
  const response = await fetch(server.url + route);
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`${route} answered ${response.status}: ${body.toString().slice(0, 500)}`);
  const headers: IncomingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    if (!['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(name)) headers[name] = value;
  });
  twins.set(route, { status: response.status, headers, body });
}
const staticServer = createServer((req, res) => {
  const twin = twins.get(req.url ?? '/')!;
  res.writeHead(twin.status, { ...twin.headers, 'content-length': twin.body.length });
  res.end(twin.body);
});
await new Promise<void>((resolve) => staticServer.listen(0, '127.0.0.1', resolve));
const staticUrl = `http://127.0.0.1:${(staticServer.address() as { port: number }).port}`;

/** One wrk run: requests per second and the 99th percentile latency in ms. Asynchronous: the static server answers from this process. */
async function wrk(url: string, headers: string[] = []): Promise<{ rps: number; p99: number; errors: string | null }> {
  const { stdout: out } = await promisify(execFile)('/usr/bin/wrk', ['-t1', `-c${CONNECTIONS}`, `-d${DURATION}`, '--latency', ...headers.flatMap((h) => ['-H', h]), url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const [, value, unit] = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out) ?? [];
  const p99 = Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
  const errors = /Non-2xx or 3xx responses: \d+|Socket errors:.*/.exec(out)?.[0] ?? null;
  return { rps, p99, errors };
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(' / ');
console.log(`docs: 201, wrk -t1 -c${CONNECTIONS} -d${DURATION} --latency; load average (1/5/15 min) at start: ${load()}`);
console.log('| path | runbook-live req/s | p99 | static req/s | p99 | ratio |');
console.log('| --- | --- | --- | --- | --- | --- |');
const rows: Array<[string, string, string[]]> = [...paths.map(([name, route]) => [name, route, []] as [string, string, string[]])];
// The same doc page for a signed-in client, which the cache answers after the middleware.
if (server.token) rows.push(['doc page, bearer token', '/docs/RUN-runner-image', [`Authorization: Bearer ${server.token}`]]);
for (const [name, route, headers] of rows) {
  await wrk(server.url + route, headers); // warm: the first render, the compressed copies, the JIT
  const live = await wrk(server.url + route, headers);
  const base = await wrk(staticUrl + route);
  const note = live.errors ? ` (${live.errors})` : '';
  console.log(`| ${name} | ${live.rps.toFixed(0)} | ${ms(live.p99)} | ${base.rps.toFixed(0)} | ${ms(base.p99)} | ${((100 * live.rps) / base.rps).toFixed(0)} %${note} |`);
}

// An edit seen on the next request: write, GET at once, and the answer must be the new text.
const target = path.join(docsDir, 'runbooks', 'runbook-runner-image.md');
const original = (await import('node:fs')).readFileSync(target, 'utf8');
const seen: number[] = [];
for (let i = 0; i < EDITS; i++) {
  const marker = `edit-marker-${i}-${Date.now()}`;
  const start = performance.now();
  writeFileSync(target, `${original}\n\n${marker}\n`);
  const text = await (await fetch(server.url + '/docs/RUN-runner-image')).text();
  seen.push(performance.now() - start);
  if (!text.includes(marker)) throw new Error(`edit ${i}: the next GET did not show the new content`);
}
console.log(`\nedit on disk → next GET shows it (${EDITS} edits, every one shown on the first GET): median ${ms(quantile(seen, 0.5))}, p95 ${ms(quantile(seen, 0.95))}`);
console.log(`load average at end: ${load()}`);

staticServer.close();
await server.stop();
rmSync(work, { recursive: true, force: true });
