// The dashboard at scale: 200 checks and 20,000 stored runs, against a static file server
// serving the same bytes, measured in one run; then the server's memory across 1,000 real runs.
//   npx astro build && node_modules/.bin/node bench/dashboard.ts
// Needs the local python:3.13-slim image (every check is `docker image inspect python:3.13-slim`).
// Knobs: ROUNDS (sequential requests per page and side, default 200, after 20 warm-up rounds),
// RUNS (real runs for the memory phase, default 1000), SAMPLE_EVERY (default 100).
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startServer } from '../test/support/server.ts';
import { makeScaleWorld } from '../test/engine/scale/world.ts';
import { blockTargetStats } from '../src/lib/runs/sqlite-run-stats.ts';
import { ms, quantile, repeat } from './lib.ts';
import { nowMs } from './sse.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 200);
const RUNS = Number(process.env.RUNS ?? 1000);
const SAMPLE_EVERY = Number(process.env.SAMPLE_EVERY ?? 100);
const WARMUP = 20;
const GOALS = { dashboard: 100, checks: 50 } as const;
const MEMORY_GOAL_MB = 30;

const world = makeScaleWorld();
const server = await startServer(world.env);
const pid = server.process.pid!;
let exitCode = 0;

/** The server's resident set size in MiB, from /proc/<pid>/status. */
const rssMb = () => {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
};
const mb = (value: number) => `${value.toFixed(1)} MiB`;

/**
 * fetch, retried once when a kept-alive socket was closed by the server as it was reused (its
 * 5 s keep-alive timeout racing the next request after an idle stretch). Only for idempotent GETs.
 */
const fetchGet = async (url: string): Promise<Response> => {
  try {
    return await fetch(url);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url);
  }
};

const staticServer = createServer();
try {
  const pages = {
    dashboard: { route: '/dashboard', type: 'text/html; charset=utf-8' },
    checks: { route: '/api/checks', type: 'application/json' },
  } as const;
  const bodies: Record<string, Buffer> = {};
  for (const [name, page] of Object.entries(pages)) {
    const response = await fetch(server.url + page.route);
    bodies[name] = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`${page.route} answered ${response.status}: ${bodies[name]}\n${server.output()}`);
    writeFileSync(path.join(world.dir, `${name}.static`), bodies[name]!);
  }
  const shown = JSON.parse(bodies.checks!.toString()) as { rows: { status: string }[]; counts: Record<string, number> };
  const rowsInHtml = bodies.dashboard!.toString().match(/<tr class="check-row"/g)?.length ?? 0;
  if (shown.rows.length !== 200 || rowsInHtml !== 200) throw new Error(`expected 200 rows, got ${shown.rows.length} in JSON and ${rowsInHtml} in HTML`);

  // The baseline: a Node static file server sending the same bytes from disk.
  staticServer.on('request', (req, res) => {
    const name = (req.url ?? '/').slice(1) as keyof typeof pages;
    res.setHeader('content-type', pages[name].type);
    res.end(readFileSync(path.join(world.dir, `${name}.static`)));
  });
  await new Promise<void>((resolve) => staticServer.listen(0, '127.0.0.1', resolve));
  const staticUrl = `http://127.0.0.1:${(staticServer.address() as { port: number }).port}`;

  const get = async (url: string) => {
    const response = await fetchGet(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  };

  const engine = (await (await fetch(`${server.url}/api/checks`)).json()) as { targets: { engineVersion?: string; apiVersion?: string }[] };
  console.log(`checks: ${world.checks.length} (20 runbooks × 10 bash blocks), stored runs: ${world.runs.length} (seeded in ${ms(world.seedMs)}), rounds: ${ROUNDS} after ${WARMUP} warm-up, engine: ${engine.targets[0]?.engineVersion ?? '?'} (API ${engine.targets[0]?.apiVersion ?? '?'}), node ${process.version}`);
  console.log(`command: npx astro build && node_modules/.bin/node bench/dashboard.ts${process.env.ROUNDS || process.env.RUNS ? ` (ROUNDS=${ROUNDS} RUNS=${RUNS})` : ''}`);
  console.log(`statuses shown: ${Object.entries(shown.counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ')}; bytes: /dashboard ${bodies.dashboard!.length}, /api/checks ${bodies.checks!.length}`);

  // ------------------------------------------------------------------ 1. latency
  console.log('\n### 1. Latency, sequential requests\n');
  console.log('| page | runbook-live median | p95 | static median | p95 | ratio (median) | goal | met (p95) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const latency: Record<string, number[]> = {};
  for (const [name, page] of Object.entries(pages)) {
    await repeat(WARMUP, () => Promise.all([get(server.url + page.route), get(`${staticUrl}/${name}`)]));
    const live = await repeat(ROUNDS, () => get(server.url + page.route));
    const base = await repeat(ROUNDS, () => get(`${staticUrl}/${name}`));
    latency[name] = live;
    const goal = GOALS[name as keyof typeof GOALS];
    const met = quantile(live, 0.95) <= goal;
    if (!met) exitCode = 1;
    console.log(
      `| \`GET ${page.route}\` | ${ms(quantile(live, 0.5))} | ${ms(quantile(live, 0.95))} | ${ms(quantile(base, 0.5))} | ${ms(quantile(base, 0.95))} | ${(quantile(live, 0.5) / quantile(base, 0.5)).toFixed(2)}× | ≤ ${goal} ms | ${met ? 'yes' : 'NO'} |`,
    );
  }

  // Where a request's time goes: the four grouped SQL queries, run in this process on the same
  // file (WAL: a second reader), against the whole request.
  const db = new DatabaseSync(world.databaseFile, { readOnly: true });
  const sql = await repeat(Math.min(ROUNDS, 50), async () => blockTargetStats(db, new Date()));
  db.close();
  console.log('\n| part (median) | time |');
  console.log('| --- | --- |');
  console.log(`| \`blockTargetStats\` (4 grouped queries over ${world.runs.length} runs), same file, bench process | ${ms(quantile(sql, 0.5))} |`);
  console.log(`| \`GET /api/checks\` whole request | ${ms(quantile(latency.checks!, 0.5))} |`);
  console.log(`| \`GET /dashboard\` whole request | ${ms(quantile(latency.dashboard!, 0.5))} |`);

  // ------------------------------------------------------------------ 2. memory across real runs
  const docIds = [...new Set(world.checks.map((c) => c.docId))];
  const hashes = new Map<string, string>();
  for (const docId of docIds) {
    const described = (await (await fetchGet(`${server.url}/api/docs/${docId}`)).json()) as { blocks: { id: string; hash: string; runnable: boolean; reason: string | null }[] };
    for (const block of described.blocks) {
      if (!block.runnable) throw new Error(`${block.id} is not runnable: ${block.reason}`);
      hashes.set(block.id, block.hash);
    }
  }
  const post = async (blockId: string) => {
    const response = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: server.authHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ block: blockId, hash: hashes.get(blockId) }),
    });
    const body = (await response.json()) as { id: string; joined: boolean };
    if (response.status !== 202 || body.joined) throw new Error(`POST /api/runs ${blockId} answered ${response.status}: ${JSON.stringify(body)}`);
    return body.id;
  };
  interface RunRow {
    id: string;
    status: string;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
  }
  const recent = async (limit: number) => ((await (await fetchGet(`${server.url}/api/runs?limit=${limit}`)).json()) as { runs: RunRow[] }).runs;

  const samples: Array<{ runs: number; rss: number }> = [{ runs: 0, rss: rssMb() }];
  const ids: string[] = [];
  const t0 = nowMs();
  // Batches of SAMPLE_EVERY runs, each batch one run per block over half of the 200 blocks
  // (alternating halves), so no request joins a run still going; the server queues them and
  // runs 2 at a time (runs.concurrency: 2). After each batch has finished, sample VmRSS.
  for (let done = 0; done < RUNS; done += SAMPLE_EVERY) {
    const size = Math.min(SAMPLE_EVERY, RUNS - done);
    const offset = ((done / SAMPLE_EVERY) % 2) * 100;
    const batch: string[] = [];
    for (let i = 0; i < size; i++) batch.push(await post(world.checks[(offset + i) % world.checks.length]!.blockId));
    ids.push(...batch);
    const waiting = new Set(batch);
    while (waiting.size > 0) {
      await new Promise((r) => setTimeout(r, 50));
      for (const run of await recent(size + 50)) if (waiting.has(run.id) && !['queued', 'running'].includes(run.status)) waiting.delete(run.id);
    }
    samples.push({ runs: done + size, rss: rssMb() });
  }
  const wall = nowMs() - t0;

  const ours = new Set(ids);
  const records = (await recent(RUNS + 100)).filter((r) => ours.has(r.id));
  const passed = records.filter((r) => r.status === 'passed').length;
  const edges = records
    .flatMap((r) => [{ at: Date.parse(r.startedAt!), delta: 1 }, { at: Date.parse(r.finishedAt!), delta: -1 }])
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (running += edge.delta));
  const durations = records.map((r) => Date.parse(r.finishedAt!) - Date.parse(r.startedAt!));

  const afterFirst = samples.find((s) => s.runs >= SAMPLE_EVERY)!;
  const last = samples.at(-1)!;
  const growth = last.rss - afterFirst.rss;
  const maxRss = Math.max(...samples.map((s) => s.rss));
  const flat = growth <= MEMORY_GOAL_MB && maxRss - afterFirst.rss <= MEMORY_GOAL_MB;
  if (!flat || passed !== RUNS || most > 2) exitCode = 1;

  console.log(`\n### 2. Memory across ${RUNS} real runs\n`);
  console.log(`${RUNS} POSTs of \`docker image inspect ${'python:3.13-slim'}\` blocks in batches of ${SAMPLE_EVERY} (one per block, alternating halves of the 200), each batch polled via \`GET /api/runs?limit=\` until final; VmRSS of the server (pid ${pid}) read from /proc after each batch.\n`);
  console.log('| what | result |');
  console.log('| --- | --- |');
  console.log(`| finished / passed | ${records.length}/${RUNS} finished, ${passed}/${RUNS} passed |`);
  console.log(`| most running at once (from startedAt/finishedAt) | ${most} |`);
  console.log(`| ${RUNS} runs, first POST → last final (wall) | ${(wall / 1000).toFixed(1)} s (${ms(wall / RUNS)} per run) |`);
  console.log(`| run time (started → finished) median / p95 | ${ms(quantile(durations, 0.5))} / ${ms(quantile(durations, 0.95))} |`);
  console.log(`| RSS before the runs / after ${afterFirst.runs} / after ${last.runs} / max | ${mb(samples[0]!.rss)} / ${mb(afterFirst.rss)} / ${mb(last.rss)} / ${mb(maxRss)} |`);
  console.log(`| growth, after ${afterFirst.runs} runs → after ${last.runs} | ${growth >= 0 ? '+' : ''}${mb(growth)} (goal ≤ ${MEMORY_GOAL_MB} MiB: ${flat ? 'met' : 'MISSED'}) |`);
  console.log(`\n| runs | ${samples.map((s) => s.runs).join(' | ')} |`);
  console.log(`| --- | ${samples.map(() => '---').join(' | ')} |`);
  console.log(`| VmRSS (MiB) | ${samples.map((s) => s.rss.toFixed(1)).join(' | ')} |`);

  // The dashboard again, now over 21,000 runs, to see it did not slow down with the new ones.
  const again = await repeat(Math.min(ROUNDS, 50), () => get(`${server.url}/api/checks`));
  const againHtml = await repeat(Math.min(ROUNDS, 50), () => get(`${server.url}/dashboard`));
  console.log(`\nafter the runs (${world.runs.length + RUNS} stored): \`/dashboard\` median ${ms(quantile(againHtml, 0.5))} (p95 ${ms(quantile(againHtml, 0.95))}), \`/api/checks\` median ${ms(quantile(again, 0.5))} (p95 ${ms(quantile(again, 0.95))})`);
} catch (error) {
  console.error(error);
  console.error(server.output().slice(-4000));
  exitCode = 1;
} finally {
  await server.stop();
  staticServer.close();
  world.cleanup();
}
process.exit(exitCode);
