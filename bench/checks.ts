// Contract checks through the API against the docker CLI doing the same work, measured in one run,
// and ten checks queued at once on a server limited to two concurrent runs.
//   npx astro build && node_modules/.bin/node bench/checks.ts
// Needs the good runner image (`cd examples/runner && docker build -f Dockerfile.runner -t skriptoteket-runner:latest .`).
// The check is the SHIPPED one: content/ as the docs folder, RUN-runner-image/contract-smoke.
// Knobs: ROUNDS (per side, default 15, after 2 warm-up rounds), CONCURRENT (default 10).
import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { startServer } from '../test/support/server.ts';
import { ms, quantile } from './lib.ts';
import { nowMs, readEvents } from './sse.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const CONCURRENT = Number(process.env.CONCURRENT ?? 10);
const WARMUP = 2;
const ROOT = path.resolve(import.meta.dirname, '..');
const RUNNER = 'skriptoteket-runner:latest';
const BLOCK = 'RUN-runner-image/contract-smoke';
const BENCH_TAGS = Array.from({ length: CONCURRENT }, (_, i) => `skriptoteket-runner:bench-${i + 1}`);

const docker = (args: string[], input?: string) =>
  execFileSync('docker', args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...(input !== undefined ? { input } : {}) }).toString();
const median = (values: number[]) => quantile(values, 0.5);

// --- the shipped check, read from the runbook, so the CLI side copies in the same files ---
const runbook = readFileSync(path.join(ROOT, 'content/runbooks/runbook-runner-image.md'), 'utf8');
const specText = /```yaml \{ check name=contract-smoke[^}\n]*\}\n([\s\S]*?)\n```/.exec(runbook)?.[1];
if (!specText) throw new Error('the shipped runbook has no ```yaml { check name=contract-smoke } block');
interface Spec {
  timeout: string;
  hardening: { user: string; read_only: boolean; network: string; cap_drop: string[]; no_new_privileges: boolean; pids_limit: number; memory: string; tmpfs: string[] };
  /** The check's own files; the layout they go into is REF-runner-contract's runner-work fixture, rebuilt below. */
  files: Array<{ path: string; content?: string; json?: unknown; from?: string }>;
  expect: unknown[];
}
const spec = parse(specText) as Spec;
const placed = (at: string) => {
  const file = spec.files.find((f) => f.path === at);
  if (!file) throw new Error(`the shipped check places no ${at}`);
  return file;
};
const uploads = spec.files.filter((f) => f.path.startsWith('/work/input/') && f.content !== undefined).map((f) => ({ name: path.posix.basename(f.path), content: f.content! }));

const work = mkdtempSync(path.join(tmpdir(), 'bench-checks-'));

// The work folder the check builds (the fixture's layout and the check's files), as files on disk owned by the container's uid:
// script.py, memory.json, input/<uploads>, input/manifest.json, output/.
const folder = path.join(work, 'folder');
mkdirSync(path.join(folder, 'input'), { recursive: true });
mkdirSync(path.join(folder, 'output'));
copyFileSync(path.join(ROOT, 'examples/runner', placed('/work/script.py').from!), path.join(folder, 'script.py'));
writeFileSync(path.join(folder, 'memory.json'), `${JSON.stringify(placed('/work/memory.json').json, null, 2)}\n`);
for (const input of uploads) writeFileSync(path.join(folder, 'input', input.name), input.content);
const manifest = { files: uploads.map((i) => ({ name: i.name, path: `/work/input/${i.name}`, bytes: Buffer.byteLength(i.content) })) };
writeFileSync(path.join(folder, 'input/manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const uid = Number(spec.hardening.user);
const chownTree = (dir: string) => {
  chownSync(dir, uid, uid);
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) chownTree(file);
    else chownSync(file, uid, uid);
  }
};
// `docker cp` (without -a) keeps the tar's owners, like the archive API call the app makes; `-a` would
// instead look the container's user up with getent, which fails on a created container.
chownTree(folder);
const outDir = path.join(work, 'out');
mkdirSync(outDir);

const env = {
  SKRIPTOTEKET_SCRIPT_PATH: '/work/script.py',
  SKRIPTOTEKET_INPUT_DIR: '/work/input',
  SKRIPTOTEKET_INPUT_MANIFEST: '/work/input/manifest.json',
  SKRIPTOTEKET_MEMORY_PATH: '/work/memory.json',
  SKRIPTOTEKET_OUTPUT_DIR: '/work/output',
  SKRIPTOTEKET_RESULT_PATH: '/work/result.json',
};
const h = spec.hardening;
const hardeningFlags = [
  '--user', h.user,
  ...(h.read_only ? ['--read-only'] : []),
  '--network', h.network,
  ...h.cap_drop.flatMap((c) => ['--cap-drop', c]),
  ...(h.no_new_privileges ? ['--security-opt', 'no-new-privileges'] : []),
  '--pids-limit', String(h.pids_limit),
  '--memory', h.memory,
  ...h.tmpfs.flatMap((t) => ['--tmpfs', t]),
];
const envFlags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

// --- a systems config: the shipped one, with an absolute system folder and the limit at 2 ---
const shipped = parse(readFileSync(path.join(ROOT, 'runbook-live.yaml'), 'utf8')) as { systems: Record<string, { dir: string }>; runs: Record<string, unknown> };
for (const system of Object.values(shipped.systems)) system.dir = path.resolve(ROOT, system.dir);
shipped.runs = { ...shipped.runs, concurrency: 2 };
writeFileSync(path.join(work, 'runbook-live.yaml'), stringify(shipped));

const runIds: string[] = [];
let exitCode = 0;
let server: Awaited<ReturnType<typeof startServer>> | undefined;

try {
  server = await startServer({ DOCS_DIR: path.join(ROOT, 'content'), DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'runbook-live.yaml') });
  const url = server.url;
  const described = (await (await fetch(`${url}/api/docs/RUN-runner-image`)).json()) as { blocks: { id: string; hash: string; runnable: boolean; reason: string | null }[] };
  const block = described.blocks.find((b) => b.id === BLOCK);
  if (!block?.runnable) throw new Error(`${BLOCK} is not runnable: ${block?.reason ?? 'not listed'}`);

  async function post(vars: Record<string, string> = {}): Promise<string> {
    const response = await fetch(`${url}/api/runs`, {
      method: 'POST',
      headers: server!.authHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ block: BLOCK, hash: block!.hash, vars }),
    });
    const body = (await response.json()) as { id: string; joined: boolean };
    if (response.status !== 202) throw new Error(`POST /api/runs answered ${response.status}: ${JSON.stringify(body)}`);
    if (body.joined) throw new Error(`POST /api/runs joined run ${body.id} instead of starting one`);
    runIds.push(body.id);
    return body.id;
  }

  // ---------------------------------------------------------------- 1. one check, API vs CLI
  interface ApiCheck {
    total: number;
    phases: Record<string, number>;
  }

  /** POST the check and follow its events to `finished`; every time is from the start of the POST. */
  async function apiCheck(): Promise<ApiCheck> {
    const t0 = nowMs();
    const id = await post();
    const posted = nowMs();
    let started = NaN;
    let placed = NaN;
    let lastOutput = NaN;
    let firstVerdict = NaN;
    let finished = NaN;
    let run: Record<string, any> = {};
    await readEvents(`${url}/api/runs/${id}/events`, (event) => {
      if (event.event === 'started') started = event.receivedAt;
      if (event.event === 'log') {
        const line = JSON.parse(event.data) as { stream: string; text: string };
        if (line.text.includes('[runbook-live] placed ')) placed = event.receivedAt;
        else if (line.stream !== 'system') lastOutput = event.receivedAt;
        else if (Number.isNaN(firstVerdict) && /^\[runbook-live\] (PASSED|FAILED|SKIPPED)/.test(line.text)) firstVerdict = event.receivedAt;
      }
      if (event.event !== 'finished') return false;
      finished = event.receivedAt;
      run = (JSON.parse(event.data) as { run: Record<string, any> }).run;
      return true;
    });
    if (run.status !== 'passed') throw new Error(`check run ${id} ended ${run.status}: ${run.message}`);
    const storedFinish = Date.parse(run.finishedAt);
    return {
      total: finished - t0,
      phases: {
        post: posted - t0,
        // `started` may arrive before the POST answer; clamp so the phases add up.
        start: Math.max(0, (Number.isNaN(started) ? posted : started) - posted),
        prepare: placed - Math.max(posted, Number.isNaN(started) ? posted : started),
        container: lastOutput - placed,
        judge: firstVerdict - lastOutput,
        cleanup: finished - firstVerdict,
        delivery: finished - storedFinish,
      },
    };
  }

  /** The same work with the docker CLI, one command at a time, each timed. */
  function cliCheck(): { total: number; phases: Record<string, number> } {
    const phases: Record<string, number> = {};
    const step = <T>(name: string, fn: () => T): T => {
      const t = nowMs();
      const value = fn();
      phases[name] = (phases[name] ?? 0) + (nowMs() - t);
      return value;
    };
    const t0 = nowMs();
    const volume = step('volume create', () => docker(['volume', 'create']).trim());
    const container = step('create', () => docker(['create', ...hardeningFlags, ...envFlags, '-v', `${volume}:/work`, RUNNER]).trim());
    step('cp in', () => docker(['cp', `${folder}/.`, `${container}:/work`]));
    const out = step('start -a', () => docker(['start', '-a', container]));
    step('cp out', () => {
      docker(['cp', `${container}:/work/result.json`, outDir]);
      docker(['cp', `${container}:/work/output/report.txt`, outDir]);
    });
    step('rm', () => docker(['rm', container]));
    step('volume rm', () => docker(['volume', 'rm', volume]));
    const total = nowMs() - t0;
    // Untimed sanity check: the CLI side did the same work.
    const result = JSON.parse(readFileSync(path.join(outDir, 'result.json'), 'utf8')) as { contract_version: number; status: string };
    const report = readFileSync(path.join(outDir, 'report.txt'), 'utf8');
    if (result.contract_version !== 2 || result.status !== 'succeeded' || !report.includes('greeting=hej') || !out.includes('Contract smoke:')) {
      throw new Error(`the CLI sequence did not produce the expected files: ${JSON.stringify(result)} / ${report}`);
    }
    rmSync(path.join(outDir, 'result.json'));
    rmSync(path.join(outDir, 'report.txt'));
    return { total, phases };
  }

  const engine = docker(['version', '-f', '{{.Server.Version}} (API {{.Server.APIVersion}})']).trim();
  console.log(`rounds: ${ROUNDS} per side (after ${WARMUP} warm-up rounds), concurrent checks: ${CONCURRENT}, engine: ${engine}, runner: ${RUNNER} ${docker(['image', 'inspect', '-f', '{{.Id}}', RUNNER]).trim().slice(0, 19)}`);
  console.log(`command: npx astro build && node_modules/.bin/node bench/checks.ts${process.env.ROUNDS ? ` (ROUNDS=${ROUNDS})` : ''}`);

  const api: ApiCheck[] = [];
  const cli: ReturnType<typeof cliCheck>[] = [];
  for (let i = -WARMUP; i < ROUNDS; i++) {
    const apiFirst = i % 2 === 0;
    let a!: ApiCheck;
    if (apiFirst) a = await apiCheck();
    const c = cliCheck();
    if (!apiFirst) a = await apiCheck();
    if (i < 0) continue;
    api.push(a);
    cli.push(c);
  }
  const apiTotals = api.map((a) => a.total);
  const cliTotals = cli.map((c) => c.total);
  const ratio = median(apiTotals) / median(cliTotals);

  const cliCommand = [
    'docker volume create',
    `docker create ${[...hardeningFlags, '-e', 'SKRIPTOTEKET_*=… (6)', '-v', '<vol>:/work', RUNNER].join(' ')}`,
    'docker cp <folder>/. <ctr>:/work',
    'docker start -a <ctr>',
    'docker cp <ctr>:/work/result.json <out> ; docker cp <ctr>:/work/output/report.txt <out>',
    'docker rm <ctr>',
    'docker volume rm <vol>',
  ];
  console.log(`\n### 1. One contract check: API vs docker CLI\n`);
  console.log(`API: POST /api/runs {block: ${BLOCK}} → SSE \`finished\` (all ${spec.expect.length} verdicts passed every round).`);
  console.log(`CLI: ${cliCommand.map((c) => `\`${c}\``).join(' → ')}\n`);
  console.log('| what | API median | p95 | CLI median | p95 | ratio (median) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(`| contract check | ${ms(median(apiTotals))} | ${ms(quantile(apiTotals, 0.95))} | ${ms(median(cliTotals))} | ${ms(quantile(cliTotals, 0.95))} | ${ratio.toFixed(2)}× |`);
  console.log(`\ngoal ≤ 1.15×: ${ratio <= 1.15 ? 'met' : 'MISSED'}`);

  const phaseMedian = (rows: { phases: Record<string, number> }[], key: string) => ms(median(rows.map((r) => r.phases[key] ?? 0)));
  console.log('\n| API phase (median, client receive times of SSE events) | time |');
  console.log('| --- | --- |');
  console.log(`| POST /api/runs answered | ${phaseMedian(api, 'post')} |`);
  console.log(`| → \`started\` event | ${phaseMedian(api, 'start')} |`);
  console.log(`| → "placed … in /work" log (inspect image, build tar, create volume, create container, put archive) | ${phaseMedian(api, 'prepare')} |`);
  console.log(`| → last container output line (attach, start, the runner's own work) | ${phaseMedian(api, 'container')} |`);
  console.log(`| → first verdict line (exit, output drain, read back 2 files, inspect container, judge, remove container and volume) | ${phaseMedian(api, 'judge')} |`);
  console.log(`| → \`finished\` event (verdict lines, final state stored) | ${phaseMedian(api, 'cleanup')} |`);
  console.log(`| … stored finishedAt → event at client | ${phaseMedian(api, 'delivery')} |`);
  console.log('\n| CLI command (median) | time |');
  console.log('| --- | --- |');
  for (const key of Object.keys(cli[0]?.phases ?? {})) console.log(`| \`docker ${key}\` | ${phaseMedian(cli, key)} |`);

  // ---------------------------------------------------------------- 2. ten at once, limit 2
  for (const tag of BENCH_TAGS) docker(['tag', RUNNER, tag]);
  const t0 = nowMs();
  const ids: string[] = [];
  for (const tag of BENCH_TAGS) ids.push(await post({ RUNNER_IMAGE: tag }));
  const postedAll = nowMs() - t0;
  const records: Record<string, any>[] = await Promise.all(
    ids.map(async (id) => {
      for (;;) {
        const run = (await (await fetch(`${url}/api/runs/${id}`)).json()) as Record<string, any>;
        if (!['queued', 'running'].includes(run.status)) return run;
        await new Promise((r) => setTimeout(r, 100));
      }
    }),
  );
  const wall = nowMs() - t0;

  const finished = records.length;
  const passed = records.filter((r) => r.status === 'passed').length;
  const started = records.map((r) => Date.parse(r.startedAt));
  const ended = records.map((r) => Date.parse(r.finishedAt));
  const inPostOrder = started.every((s, i) => i === 0 || s >= started[i - 1]!);
  // Most runs at once: sweep the [startedAt, finishedAt] intervals; at equal stamps a finish frees its slot first.
  const edges = records.flatMap((_, i) => [{ at: started[i]!, delta: 1 }, { at: ended[i]!, delta: -1 }]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (running += edge.delta));
  const waits = records.map((r) => Date.parse(r.startedAt) - Date.parse(r.createdAt));
  const durations = records.map((_, i) => ended[i]! - started[i]!);
  const usedTheImage = records.every((r, i) => r.variables?.RUNNER_IMAGE === BENCH_TAGS[i] && r.result?.steps?.[0]?.image === BENCH_TAGS[i]);

  console.log(`\n### 2. ${CONCURRENT} checks at once, runs.concurrency: 2\n`);
  console.log(`${CONCURRENT} POSTs of ${BLOCK}, each with its own RUNNER_IMAGE (${BENCH_TAGS[0]} … ${BENCH_TAGS.at(-1)}, tags of ${RUNNER}), so none joins another; then each polled until final.\n`);
  console.log('| what | result |');
  console.log('| --- | --- |');
  console.log(`| finished / passed | ${finished}/${CONCURRENT} finished, ${passed}/${CONCURRENT} passed${usedTheImage ? ', each with its own image' : ', IMAGES MIXED UP'} |`);
  console.log(`| started in POST order | ${inPostOrder ? 'yes' : 'NO'} |`);
  console.log(`| most running at once (from startedAt/finishedAt) | ${most} |`);
  console.log(`| all ${CONCURRENT} POSTs answered | ${ms(postedAll)} |`);
  console.log(`| first POST → last run final (wall) | ${ms(wall)} |`);
  console.log(`| run time (started → finished) median / max | ${ms(median(durations))} / ${ms(Math.max(...durations))} |`);
  console.log(`| queue wait (created → started) median / max | ${ms(median(waits))} / ${ms(Math.max(...waits))} |`);
  console.log(`| wall vs ${CONCURRENT} × median run / 2 slots | ${ms(wall)} vs ${ms((CONCURRENT * median(durations)) / 2)} |`);
  console.log('\n| # | image | status | created → started | started → finished |');
  console.log('| --- | --- | --- | --- | --- |');
  records.forEach((r, i) => console.log(`| ${i + 1} | ${BENCH_TAGS[i]} | ${r.status} | ${ms(waits[i]!)} | ${ms(durations[i]!)} |`));
  if (finished !== CONCURRENT || passed !== CONCURRENT || !inPostOrder || most > 2 || !usedTheImage) {
    console.error('\nFAILED: a run was lost or failed, the queue order broke, or more than 2 ran at once');
    exitCode = 1;
  }
} finally {
  await server?.stop();
  for (const tag of BENCH_TAGS) {
    try {
      docker(['rmi', tag]);
    } catch {
      // Never tagged, or already gone.
    }
  }
  rmSync(work, { recursive: true, force: true });
  const ours = (kind: 'ps -a' | 'volume ls') => {
    const args = kind === 'ps -a' ? ['ps', '-a'] : ['volume', 'ls'];
    const rows = docker([...args, '--filter', 'label=runbook-live.managed=true', '--format', `{{${kind === 'ps -a' ? '.ID' : '.Name'}}} {{.Label "runbook-live.run-id"}}`]).trim();
    return rows ? rows.split('\n').filter((row) => runIds.includes(row.split(' ')[1] ?? '')) : [];
  };
  const left = [...ours('ps -a'), ...ours('volume ls')];
  const tagsLeft = docker(['images', '--format', '{{.Repository}}:{{.Tag}}', 'skriptoteket-runner']).split('\n').filter((t) => t.includes(':bench-'));
  if (left.length > 0 || tagsLeft.length > 0) {
    console.warn(`\nWARNING: left behind: ${[...left, ...tagsLeft].join(', ')}`);
    exitCode = 1;
  } else {
    console.log(`\ncleanup: ${BENCH_TAGS.length} bench tags removed, temp dirs removed, no container or volume of this bench's ${runIds.length} runs left`);
  }
}
process.exit(exitCode);
