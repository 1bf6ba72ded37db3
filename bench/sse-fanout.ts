// Many live viewers: CLIENTS anonymous viewers on the dashboard's event stream (/api/events)
// of the built server, real runs changing status, and the delay from the server stamping each
// change (`emittedAt`) to each viewer receiving it; against the same runs watched by one viewer.
// Then what the viewers cost the server: handles (/proc/<pid>/fd), bus listeners and streams
// (/metrics) before, during and after, and its CPU while they sit idle on heartbeats.
//   npx astro build && node_modules/.bin/node bench/sse-fanout.ts
// Needs the local python:3.13-slim image. Knobs: CLIENTS (default 500), ROUNDS (default 10),
// BATCH (runs started at once per round, default 3, with concurrency 2 so one of them queues),
// IDLE_SECONDS (default 16, longer than one 15 s heartbeat).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pollUntil } from '../test/support/poll.ts';
import { startServer } from '../test/support/server.ts';
import { liveStreamGauges, openHandles, type LiveStreamGauges, type Receipt } from '../test/support/sse-clients.ts';
import { doc, makeTempDocs } from '../test/support/temp-docs.ts';
import { ms, quantile } from './lib.ts';

const CLIENTS = Number(process.env.CLIENTS ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const BATCH = Number(process.env.BATCH ?? 3);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 16);
const GOAL_P95_MS = 100;
// One block per run of a batch: a second start of a block already running would join it.
const blocks = Array.from({ length: BATCH }, (_, i) => `hello-${i + 1}`);

// --- fixtures: one runbook with one quick block, a systems config ---
const work = mkdtempSync(path.join(tmpdir(), 'bench-sse-'));
mkdirSync(path.join(work, 'context'));
writeFileSync(path.join(work, 'systems.yaml'), `targets:\n  local:\n    url: unix:///var/run/docker.sock\nsystems:\n  fanout:\n    dir: context\n    targets: [local]\nruns:\n  concurrency: 2\n  timeout_seconds: 60\n  log_limit_bytes: 65536\n  start_rate_per_minute: 1000\n`);
const docs = makeTempDocs();
docs.write(
  'runbooks/runbook-fanout.md',
  doc({ type: 'runbook', id: 'RUN-fanout', title: 'Fan-out', status: 'active', owners: 'bench', created: '2026-12-02', system: 'fanout' }, blocks.map((name) => `## ${name}\n\n\`\`\`bash { name=${name} }\ndocker run --rm python:3.13-slim true\n\`\`\`\n`).join('\n')),
);

const server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
const pid = server.process.pid!;
const clients: ChildProcess = fork(path.join(import.meta.dirname, 'sse-fanout-clients.ts'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
let exitCode = 0;

/** Sends one command to the client process and waits for its answer. */
function ask<T>(command: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the client process exited (${code}) while asked ${JSON.stringify(command)}`));
    clients.once('exit', onExit);
    clients.once('message', (message) => {
      clients.off('exit', onExit);
      resolve(message as T);
    });
    clients.send(command as object);
  });
}

/** The server's CPU time (user + system) in ms, from /proc/<pid>/stat. */
function serverCpuMs(): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Snapshot extends LiveStreamGauges {
  handles: number;
}
const snapshot = async (): Promise<Snapshot> => ({ ...(await liveStreamGauges(server.url)), handles: openHandles(pid) });

/** Starts ROUNDS batches of BATCH runs; each batch ends when every viewer has seen all of it finish. */
async function watchRuns(rounds: number): Promise<{ receipts: Receipt[]; cpuMs: number; heartbeats: number }> {
  const cpuBefore = serverCpuMs();
  for (let round = 0; round < rounds; round++) {
    const described = ((await (await fetch(`${server.url}/api/docs/RUN-fanout`)).json()) as { blocks: { id: string; hash: string }[] }).blocks;
    const ids = await Promise.all(
      described.map(async (block) => {
        const response = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: server.authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ block: block.id, hash: block.hash, target: 'local' }) });
        const body = (await response.json()) as { id?: string; joined?: boolean };
        if (response.status !== 202 || !body.id) throw new Error(`POST /api/runs answered ${response.status}: ${JSON.stringify(body)}`);
        return body.id;
      }),
    );
    await ask<{ finished: string[] }>({ waitFinished: [...new Set(ids)] });
  }
  const cpuMs = serverCpuMs() - cpuBefore;
  const { receipts, heartbeats } = await ask<{ receipts: Receipt[]; heartbeats: number }>({ receipts: true });
  return { receipts, cpuMs, heartbeats };
}

const row = (what: string, delays: number[]) =>
  `| ${what} | ${delays.length} | ${ms(quantile(delays, 0.5))} | ${ms(quantile(delays, 0.95))} | ${ms(quantile(delays, 0.99))} | ${ms(Math.max(...delays))} |`;

try {
  // One viewer first: the baseline delay, and the server warmed up (core, Docker client, route code).
  await ask({ open: `${server.url}/api/events`, count: 1 });
  const single = await watchRuns(ROUNDS);
  await ask({ close: true });
  const before = await pollUntil('no stream open after the one-viewer rounds', async () => {
    const now = await snapshot();
    return now.dashboardClients === 0 && now.streamsOpen === 0 && now;
  });

  const openStart = performance.now();
  await ask({ open: `${server.url}/api/events`, count: CLIENTS });
  const openMs = performance.now() - openStart;
  const during = await snapshot();
  const many = await watchRuns(ROUNDS);

  // Idle: only heartbeats reach the viewers now.
  const idleCpuBefore = serverCpuMs();
  const heartbeatsBefore = (await ask<{ heartbeats: number }>({ receipts: true })).heartbeats;
  await delay(IDLE_SECONDS * 1000);
  const idleCpuMs = serverCpuMs() - idleCpuBefore;
  const idleHeartbeats = (await ask<{ heartbeats: number }>({ receipts: true })).heartbeats - heartbeatsBefore;

  await ask({ close: true });
  const closeStart = performance.now();
  let last = before;
  const after = await pollUntil(
    () => `the server back to ${JSON.stringify(before)}; last ${JSON.stringify(last)}`,
    async () => {
      last = await snapshot();
      return last.dashboardClients === 0 && last.streamsOpen === 0 && last.eventListeners <= before.eventListeners && last.handles <= before.handles && last;
    },
    { timeoutMs: 20_000, everyMs: 50 },
  ).catch(() => last);
  const settleMs = performance.now() - closeStart;

  const delays = many.receipts.map((r) => r.delayMs);
  const p95 = quantile(delays, 0.95);
  // Every change of every run, seen by every viewer: count the viewers per (event, run).
  const viewersOf = new Map<string, number>();
  const firstOf = new Map<string, number>();
  const lastOf = new Map<string, number>();
  for (const r of many.receipts) {
    const key = `${r.event} ${r.runId}`;
    viewersOf.set(key, (viewersOf.get(key) ?? 0) + 1);
    firstOf.set(key, Math.min(firstOf.get(key) ?? Infinity, r.delayMs));
    lastOf.set(key, Math.max(lastOf.get(key) ?? -Infinity, r.delayMs));
  }
  const runsFinished = [...viewersOf.keys()].filter((key) => key.startsWith('finished ')).length;
  const short = [...viewersOf.entries()].filter(([, viewers]) => viewers !== CLIENTS);
  console.log(`\n## SSE fan-out: ${CLIENTS} viewers on /api/events, ${ROUNDS} rounds of ${BATCH} runs (concurrency 2)\n`);
  console.log(`${CLIENTS} connections opened in ${ms(openMs)}. Delay = receipt in the client process minus the server's \`emittedAt\` (whole ms).\n`);
  console.log('| viewers | frames received | p50 | p95 | p99 | max |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(row('1 (baseline)', single.receipts.map((r) => r.delayMs)));
  console.log(row(String(CLIENTS), delays));
  for (const event of ['queued', 'started', 'finished']) {
    const some = many.receipts.filter((r) => r.event === event).map((r) => r.delayMs);
    if (some.length) console.log(row(`${CLIENTS}, \`${event}\` only`, some));
  }
  const firsts = [...firstOf.values()];
  const spreads = [...firstOf.keys()].map((key) => lastOf.get(key)! - firstOf.get(key)!);
  console.log(`\nPer change: the first viewer had it after ${ms(quantile(firsts, 0.5))} (median; p95 ${ms(quantile(firsts, 0.95))}), the last ${ms(quantile(spreads, 0.5))} after the first (median; p95 ${ms(quantile(spreads, 0.95))}).`);
  console.log(`Server CPU over the rounds: ${ms(single.cpuMs)} with 1 viewer, ${ms(many.cpuMs)} with ${CLIENTS} (${ms((many.cpuMs - single.cpuMs) / (many.receipts.length / CLIENTS))} more per frame broadcast).`);
  console.log(`Idle ${IDLE_SECONDS} s with ${CLIENTS} viewers: ${idleHeartbeats} heartbeats received, server CPU ${ms(idleCpuMs)}.\n`);
  console.log('| server | dashboard clients | streams open | bus listeners | open fds |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, s] of [['before', before], ['during', during], [`after (settled in ${ms(settleMs)})`, after]] as const) {
    console.log(`| ${name} | ${s.dashboardClients} | ${s.streamsOpen} | ${s.eventListeners} | ${s.handles} |`);
  }
  const complete = short.length === 0 && runsFinished === ROUNDS * BATCH;
  const clean = after.dashboardClients === 0 && after.streamsOpen === 0 && after.eventListeners === before.eventListeners && after.handles <= before.handles;
  console.log(`\nEvery viewer got every frame: ${complete ? `yes (${runsFinished} runs, ${viewersOf.size} changes)` : `NO (${runsFinished} runs finished; short: ${JSON.stringify(short.slice(0, 5))})`}. p95 ≤ ${GOAL_P95_MS} ms: ${p95 <= GOAL_P95_MS ? 'met' : '**missed**'}. Nothing left after disconnect: ${clean ? 'yes' : 'NO'}.`);
  if (!complete || p95 > GOAL_P95_MS || !clean) exitCode = 1;
} finally {
  clients.disconnect();
  await server.stop();
  docs.cleanup();
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
