// The dashboard at scale: 2,000 checks × 5 targets (10,000 rows) over 1,000,000 stored runs,
// against a static file server serving the same bytes, measured in one run; then the server's
// memory across 10,000 real runs; then a retention prune of ~990,000 runs while requests go on.
//   npx astro build && node_modules/.bin/node bench/dashboard.ts
// Needs the local python:3.13-slim image (every check is `docker image inspect python:3.13-slim`).
// Knobs: ROUNDS (sequential requests per page and side, default 200, after 20 warm-up rounds),
// CHECKS (default 2000), TARGETS (default 5), RUNS_PER_KEY (seeded per check and target, default 100),
// RUNS (real runs for the memory phase, default 10000), SAMPLE_EVERY (default 100), PRUNE (0 skips phase 3).
import { createServer } from 'node:http';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startServer, type RunningServer } from '../test/support/server.ts';
import { makeScaleWorld } from '../test/engine/scale/world.ts';
import { blockTargetStatsOf } from '../src/lib/runs/sqlite-run-stats.ts';
import { latestByKey } from '../src/lib/runs/sqlite-check-latest.ts';
import { DEFAULT_PAGE_SIZE } from '../src/lib/dashboard/dashboard-data.ts';
import { ms, quantile, repeat } from './lib.ts';
import { nowMs } from './sse.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 200);
const RUNS = Number(process.env.RUNS ?? 10_000);
const CHECKS = Number(process.env.CHECKS ?? 2000);
const TARGETS = Number(process.env.TARGETS ?? 5);
const RUNS_PER_KEY = Number(process.env.RUNS_PER_KEY ?? 100);
const PRUNE = process.env.PRUNE !== '0';
const PRUNE_GOAL_MS = 50;
const SAMPLE_EVERY = Number(process.env.SAMPLE_EVERY ?? 100);
const WARMUP = 20;
const GOALS = { dashboard: 100, checks: 50, dashboardSorted: 100, checksFiltered: 50 } as const;
const MEMORY_GOAL_MB = 30;

// Run starts are rate-limited and the queue capped by default; the memory phase queues batches of SAMPLE_EVERY.
const world = makeScaleWorld({ runbooks: Math.ceil(CHECKS / 10), targets: TARGETS, runsPerCheck: RUNS_PER_KEY, keepRuns: false, runsConfig: `  start_rate_per_minute: 10000\n  queue_limit: ${Math.max(100, 2 * SAMPLE_EVERY)}\n` });
const ROWS = world.checks.length * world.targets.length;
let server: RunningServer = await startServer(world.env);
let pid = server.process.pid!;
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
    // A filtered, sorted, deep page: the filter and sort run over all rows, the page is built for one page.
    dashboardSorted: { route: '/dashboard?target=local-2&sort=status&offset=1000', type: 'text/html; charset=utf-8' },
    checksFiltered: { route: '/api/checks?status=failing&sort=last-run&offset=200', type: 'application/json' },
  } as const;
  const bodies: Record<string, Buffer> = {};
  for (const [name, page] of Object.entries(pages)) {
    const response = await fetch(server.url + page.route);
    bodies[name] = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`${page.route} answered ${response.status}: ${bodies[name]}\n${server.output()}`);
    writeFileSync(path.join(world.dir, `${name}.static`), bodies[name]!);
  }
  const shown = JSON.parse(bodies.checks!.toString()) as { rows: { status: string }[]; total: number; counts: Record<string, number> };
  const rowsInHtml = bodies.dashboard!.toString().match(/<tr class="check-row"/g)?.length ?? 0;
  const pageRows = Math.min(DEFAULT_PAGE_SIZE, ROWS);
  if (shown.total !== ROWS || shown.rows.length !== pageRows || rowsInHtml !== pageRows) throw new Error(`expected ${ROWS} rows (a page of ${pageRows}), got ${shown.total} (${shown.rows.length}) in JSON and ${rowsInHtml} in HTML`);

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

  // The page cache answers a repeated GET from memory until a run event; the server's render
  // is measured on misses, made by a query parameter no page reads and no two requests share.
  let missCounter = 0;
  const uncached = (route: string) => `${route}${route.includes('?') ? '&' : '?'}uncached=${(missCounter += 1)}`;

  const engine = (await (await fetch(`${server.url}/api/checks`)).json()) as { targets: { engineVersion?: string; apiVersion?: string }[] };
  console.log(`checks: ${world.checks.length} (${world.checks.length / 10} runbooks × 10 bash blocks) × ${world.targets.length} targets = ${ROWS} rows, stored runs: ${world.runCount} (seeded in ${ms(world.seedMs)}, ${(statSync(world.databaseFile).size / 1e6).toFixed(0)} MB), rounds: ${ROUNDS} after ${WARMUP} warm-up, engine: ${engine.targets[0]?.engineVersion ?? '?'} (API ${engine.targets[0]?.apiVersion ?? '?'}), node ${process.version}`);
  console.log(`command: npx astro build && node_modules/.bin/node bench/dashboard.ts${Object.keys(process.env).some((k) => ['ROUNDS', 'RUNS', 'CHECKS', 'TARGETS', 'RUNS_PER_KEY', 'PRUNE'].includes(k)) ? ` (ROUNDS=${ROUNDS} RUNS=${RUNS} CHECKS=${CHECKS} TARGETS=${TARGETS} RUNS_PER_KEY=${RUNS_PER_KEY})` : ''}`);
  console.log(`statuses (all rows): ${Object.entries(shown.counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ')}; page bytes: /dashboard ${bodies.dashboard!.length}, /api/checks ${bodies.checks!.length}`);

  // ------------------------------------------------------------------ 1. latency
  console.log('\n### 1. Latency, sequential requests\n');
  console.log('Server render: every request misses the page cache (a query parameter no page reads, new each time). From the cache: the same URL again, answered from memory until a run event.\n');
  console.log('| page | server render median | p95 | from the cache median | static median | p95 | ratio (render median) | goal (render median) | met |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const latency: Record<string, number[]> = {};
  for (const [name, page] of Object.entries(pages)) {
    await repeat(WARMUP, () => Promise.all([get(server.url + uncached(page.route)), get(`${staticUrl}/${name}`)]));
    const live = await repeat(ROUNDS, () => get(server.url + uncached(page.route)));
    const cached = await repeat(ROUNDS, () => get(server.url + page.route));
    const base = await repeat(ROUNDS, () => get(`${staticUrl}/${name}`));
    latency[name] = live;
    const goal = GOALS[name as keyof typeof GOALS];
    const met = quantile(live, 0.5) <= goal;
    if (!met) exitCode = 1;
    console.log(
      `| \`GET ${page.route}\` | ${ms(quantile(live, 0.5))} | ${ms(quantile(live, 0.95))} | ${ms(quantile(cached, 0.5))} | ${ms(quantile(base, 0.5))} | ${ms(quantile(base, 0.95))} | ${(quantile(live, 0.5) / quantile(base, 0.5)).toFixed(2)}× | ≤ ${goal} ms | ${met ? 'yes' : 'NO'} |`,
    );
  }

  // Where a request's time goes: the two SQL reads, run in this process on the same file
  // (WAL: a second reader), against the whole request.
  const db = new DatabaseSync(world.databaseFile, { readOnly: true });
  const keys = world.checks.flatMap((c) => world.targets.map((target) => ({ blockId: c.blockId, target }))).slice(0, DEFAULT_PAGE_SIZE);
  const latestMs = await repeat(Math.min(ROUNDS, 50), async () => latestByKey(db));
  const pageStatsMs = await repeat(Math.min(ROUNDS, 50), async () => blockTargetStatsOf(db, new Date(), keys));
  db.close();
  console.log('\n| part (median) | time |');
  console.log('| --- | --- |');
  console.log(`| \`latestByKey\` (all ${ROWS} rows of check_latest; the server caches it until a write), bench process | ${ms(quantile(latestMs, 0.5))} |`);
  console.log(`| \`blockTargetStatsOf\` (one page: ${keys.length} keys × 4 index seeks over ${world.runCount} runs), bench process | ${ms(quantile(pageStatsMs, 0.5))} |`);
  console.log(`| \`GET /api/checks\` whole request | ${ms(quantile(latency.checks!, 0.5))} |`);
  console.log(`| \`GET /dashboard\` whole request | ${ms(quantile(latency.dashboard!, 0.5))} |`);

  // ------------------------------------------------------------------ 2. memory across real runs
  const docIds = [...new Set(world.checks.slice(0, 2 * SAMPLE_EVERY).map((c) => c.docId))];
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

  // The server's own view of its memory (`/metrics`), to tell the JavaScript heap from the rest.
  const metricsGauge = async (name: string) => {
    const text = await (await fetchGet(server.url + uncached('/metrics'))).text();
    return Number(new RegExp(`^${name.replace(/[{}"=.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  };
  const heapMb = async () => (await metricsGauge('nodejs_heap_used_bytes')) / 1024 / 1024;
  const samples: Array<{ runs: number; rss: number; heap: number }> = [{ runs: 0, rss: rssMb(), heap: await heapMb() }];
  const ids: string[] = [];
  const t0 = nowMs();
  // Batches of SAMPLE_EVERY runs, each batch one run per block over half of the 200 blocks
  // (alternating halves), so no request joins a run still going; the server queues them and
  // runs 2 at a time (runs.concurrency: 2). After each batch has finished, sample VmRSS.
  for (let done = 0; done < RUNS; done += SAMPLE_EVERY) {
    const size = Math.min(SAMPLE_EVERY, RUNS - done);
    const offset = ((done / SAMPLE_EVERY) % 2) * SAMPLE_EVERY;
    const batch: string[] = [];
    for (let i = 0; i < size; i++) batch.push(await post(world.checks[(offset + i) % (2 * SAMPLE_EVERY)]!.blockId));
    ids.push(...batch);
    const waiting = new Set(batch);
    while (waiting.size > 0) {
      await new Promise((r) => setTimeout(r, 50));
      for (const run of await recent(size + 50)) if (waiting.has(run.id) && !['queued', 'running'].includes(run.status)) waiting.delete(run.id);
    }
    samples.push({ runs: done + size, rss: rssMb(), heap: await heapMb() });
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
  // At most 11 columns: every tenth sample of a long run, and the last.
  const step = Math.max(1, Math.ceil((samples.length - 1) / 10));
  const shownSamples = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  console.log(`\n| runs | ${shownSamples.map((s) => s.runs).join(' | ')} |`);
  console.log(`| --- | ${shownSamples.map(() => '---').join(' | ')} |`);
  console.log(`| VmRSS (MiB) | ${shownSamples.map((s) => s.rss.toFixed(1)).join(' | ')} |`);
  console.log(`| JS heap used (MiB, /metrics) | ${shownSamples.map((s) => s.heap.toFixed(1)).join(' | ')} |`);

  // The dashboard again, now over 21,000 runs, to see it did not slow down with the new ones.
  const again = await repeat(Math.min(ROUNDS, 50), () => get(server.url + uncached('/api/checks')));
  const againHtml = await repeat(Math.min(ROUNDS, 50), () => get(server.url + uncached('/dashboard')));
  console.log(`\nafter the runs (${world.runCount + RUNS} stored): \`/dashboard\` median ${ms(quantile(againHtml, 0.5))} (p95 ${ms(quantile(againHtml, 0.95))}), \`/api/checks\` median ${ms(quantile(again, 0.5))} (p95 ${ms(quantile(again, 0.95))})`);

  // ------------------------------------------------------------------ 3. a prune of ~a million runs under requests
  if (PRUNE) {
    await server.stop();
    // Keep only the newest run of each check and target: everything else is past the policy.
    appendFileSync(world.systemsConfig, '  retention: { keep_last: 1, keep_days: 0 }\n');
    server = await startServer(world.env);
    pid = server.process.pid!;
    // startServer's first request started the background work, the prune with it. Sequential
    // requests, alternating the two pages, until the health page reports the prune done.
    const during: Array<{ route: string; ms: number }> = [];
    const routes = ['/api/checks', '/dashboard', '/api/checks?status=failing&sort=last-run'];
    let done: string | null = null;
    const t1 = nowMs();
    // The server's event-loop delay per 10 s window (`/metrics`), sampled every 5 s: what a
    // request waited on the request thread itself, whatever the machine was doing.
    // Windows are counted from the core's start: samples in the first 20 s can only show a
    // window holding the new process's start-up (module loading, first reads of every doc).
    // The baseline below is polled the same way, so the cost of rendering /metrics itself is on
    // both sides of the comparison and what differs is the prune.
    const pollStalls = async (stop: () => boolean, into: Array<{ at: number; seconds: number }>) => {
      while (!stop()) {
        into.push({ at: nowMs() - t1, seconds: await metricsGauge('runbook_live_event_loop_delay_seconds{quantile="1"}') });
        await new Promise((r) => setTimeout(r, 5_000));
      }
    };
    const stalls: Array<{ at: number; seconds: number }> = [];
    const stallWatcher = pollStalls(() => done !== null, stalls);
    const watcher = (async () => {
      while (!done) {
        const html = await (await fetchGet(`${server.url}/health`)).text();
        const match = /last prune ([^:<]+:[^:<]+:[^:<]+): (\d+) runs removed/.exec(html);
        if (match) done = `${match[2]} runs removed`;
        else await new Promise((r) => setTimeout(r, 250));
        if (nowMs() - t1 > 600_000) throw new Error(`no prune reported in 10 minutes:\n${server.output().slice(-2000)}`);
      }
    })();
    for (let i = 0; !done; i++) {
      const route = routes[i % routes.length]!;
      const start = nowMs();
      await get(server.url + uncached(route));
      during.push({ route, ms: nowMs() - start });
    }
    await watcher;
    await stallWatcher;
    const wallPrune = nowMs() - t1;
    // The new process's first requests are cold (modules loading, JIT): shown apart, not judged.
    const cold = during.splice(0, 3 * routes.length);
    const health = await (await fetchGet(`${server.url}/health`)).text();
    const size = /Run database: <strong[^>]*>([^<]+)</.exec(health)?.[1];
    const oldest = /id="oldest-run">([^<]+)</.exec(health)?.[1];
    // The baseline: the same routes in the same process once the prune is over, as many times
    // each (up to 300). What the prune costs a request is the difference between the two.
    const after: Array<{ route: string; ms: number }> = [];
    const perRoute = Math.min(300, Math.ceil(during.length / routes.length));
    let baselineDone = false;
    const baselineStalls: Array<{ at: number; seconds: number }> = [];
    const baselineWatcher = pollStalls(() => baselineDone, baselineStalls);
    for (let i = 0; i < perRoute * routes.length; i++) {
      const route = routes[i % routes.length]!;
      const start = nowMs();
      await get(server.url + uncached(route));
      after.push({ route, ms: nowMs() - start });
    }
    baselineDone = true;
    await baselineWatcher;
    const of = (list: typeof during, route: string) => list.filter((d) => d.route === route).map((d) => d.ms);
    // Judged per route: the worst request during the prune against the worst without it, and p99 against p99.
    const added = routes.map((route) => ({
      route,
      max: Math.max(...of(during, route)) - Math.max(...of(after, route)),
      p99: quantile(of(during, route), 0.99) - quantile(of(after, route), 0.99),
    }));
    const worstAdded = Math.max(...added.map((a) => a.max));
    const met = worstAdded <= PRUNE_GOAL_MS;
    if (!met) exitCode = 1;
    console.log(`\n### 3. Pruning under requests\n`);
    console.log(`Server restarted with \`runs.retention: { keep_last: 1, keep_days: 0 }\` over the ${world.runCount + RUNS} runs; the prune starts with the background work, in a worker thread on its own connection. Sequential requests, each a server render past the page cache (${routes.map((r) => `\`${r}\``).join(', ')} in turn) for as long as it runs, the health page polled every 250 ms for its end; then the same routes ${perRoute} times each in the same process with no prune, as the baseline; \`/metrics\` (past the cache) polled every 5 s through both.\n`);
    console.log('| what | result |');
    console.log('| --- | --- |');
    console.log(`| prune | ${done} in ~${(wallPrune / 1000).toFixed(1)} s (worker thread; batches of at most 500 rows or ~10 ms, a passive checkpoint after each, TRUNCATE at the end) |`);
    console.log(`| requests during the prune | ${during.length} judged, after the new process's first ${cold.length} (cold: ${cold.map((d) => d.ms.toFixed(0)).join(', ')} ms) |`);
    console.log(`| all routes during / after the prune, median · p99 · max | ${ms(quantile(during.map((d) => d.ms), 0.5))} · ${ms(quantile(during.map((d) => d.ms), 0.99))} · ${ms(Math.max(...during.map((d) => d.ms)))} / ${ms(quantile(after.map((d) => d.ms), 0.5))} · ${ms(quantile(after.map((d) => d.ms), 0.99))} · ${ms(Math.max(...after.map((d) => d.ms)))} |`);
    for (const { route, max, p99 } of added) {
      const mine = of(during, route);
      const base = of(after, route);
      console.log(`| \`${route}\` during / after, median · max | ${ms(quantile(mine, 0.5))} · ${ms(Math.max(...mine))} / ${ms(quantile(base, 0.5))} · ${ms(Math.max(...base))} (added by the prune: p99 ${ms(p99)}, max ${ms(max)}) |`);
    }
    const startup = stalls.filter((s) => s.at < 20_000);
    const later = stalls.filter((s) => s.at >= 20_000);
    const worstOf = (list: typeof stalls) => (list.length ? ms(Math.max(...list.map((s) => s.seconds)) * 1000) : 'none');
    console.log(`| event-loop delay of the server, worst 10 s window (/metrics): the start-up window / every later one during the prune / the baseline | ${worstOf(startup)} / ${worstOf(later)} over ${later.length} samples / ${worstOf(baselineStalls)} over ${baselineStalls.length} |`);
    console.log(`| most the prune added to any request (worst during − worst after, per route) | ${ms(worstAdded)} (goal ≤ ${PRUNE_GOAL_MS} ms: ${met ? 'met' : 'MISSED'}) |`);
    console.log(`| health page afterwards | database ${size}, oldest run kept ${oldest} |`);
  }
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
