// Runs through the API against the docker CLI doing the same work, measured in one run.
//   node bench/runs.ts            (after `npx astro build`; needs the local python:3.13-slim image)
// Prints, each against its baseline: (1) a trivial container, POST /api/runs until the SSE
// `finished` event vs `docker run --rm`; (2) a `--no-cache` build through the API vs
// `DOCKER_BUILDKIT=0 docker build --no-cache`; (3) log latency, a container printing its clock
// every 50 ms, read as SSE `log` events vs read from `docker run` stdout.
// Knobs: ROUNDS (runs and builds per side, default 30), LOG_LINES (default 100), LOG_RUNS (default 1).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../test/support/server.ts';
import { doc, makeTempDocs } from '../test/support/temp-docs.ts';
import { ms, quantile } from './lib.ts';
import { nowMs, readEvents } from './sse.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 30);
const LOG_LINES = Number(process.env.LOG_LINES ?? 100);
const LOG_RUNS = Number(process.env.LOG_RUNS ?? 1);
const WARMUP = 2;
const IMAGE = 'python:3.13-slim';
const TAG_API = 'bench-runs-build:api';
const TAG_CLI = 'bench-runs-build:cli';

// The exact commands, shared by the runbook blocks and the CLI baseline.
const HELLO = ['run', '--rm', IMAGE, 'python3', '-c', "print('hi')"];
const TICKER_PY = `import time; [(print('ts', round(time.time() * 1000, 3), flush=True), time.sleep(0.05)) for i in range(${LOG_LINES})]`;
const TICKER = ['run', '--rm', IMAGE, 'python3', '-u', '-c', TICKER_PY];
const shellWord = (word: string) => (/^[\w.:/=-]+$/.test(word) ? word : `"${word}"`);
const asBlock = (name: string, args: string[]) => ['```bash { name=' + name + ' }', ['docker', ...args].map(shellWord).join(' '), '```'].join('\n');

// --- fixtures: a build context, a systems config, one runbook with the three blocks ---
const work = mkdtempSync(path.join(tmpdir(), 'bench-runs-'));
const contextDir = path.join(work, 'context');
mkdirSync(contextDir);
writeFileSync(path.join(contextDir, 'Dockerfile'), `FROM ${IMAGE}\nRUN python3 -c "open('/built.txt', 'w').write('built')"\n`);
writeFileSync(path.join(work, 'systems.yaml'), `targets:\n  local:\n    url: unix:///var/run/docker.sock\nsystems:\n  bench:\n    dir: context\n    targets: [local]\nruns:\n  concurrency: 2\n  timeout_seconds: 120\n  log_limit_bytes: 1048576\n`);
const docs = makeTempDocs();
docs.write(
  'runbooks/runbook-bench.md',
  doc(
    { type: 'runbook', id: 'RUN-bench', title: 'Bench', status: 'active', owners: 'bench', created: '2026-11-26', system: 'bench' },
    `## Hello\n\n${asBlock('hello', HELLO)}\n\n## Build\n\n${asBlock('build', ['build', '--no-cache', '-t', TAG_API, '.'])}\n\n## Ticker\n\n${asBlock('ticker', TICKER)}\n`,
  ),
);

const docker = (args: string[], env: Record<string, string> = {}) =>
  execFileSync('docker', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).toString();
const removeImage = (ref: string) => {
  try {
    docker(['rmi', '-f', ref]);
  } catch {
    // Already gone.
  }
};

const server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
const runIds: string[] = [];

try {
  const docResponse = await fetch(`${server.url}/api/docs/RUN-bench`);
  const docText = await docResponse.text();
  if (docResponse.status !== 200) throw new Error(`GET /api/docs/RUN-bench answered ${docResponse.status}: ${docText}\n${server.output()}`);
  const described = JSON.parse(docText) as { blocks: { id: string; hash: string; runnable: boolean }[] };
  const blockHash = (name: string) => {
    const block = described.blocks.find((b) => b.id === `RUN-bench/${name}`);
    if (!block?.runnable) throw new Error(`block ${name} is not runnable: ${JSON.stringify(described.blocks)}`);
    return block.hash;
  };

  interface ApiRun {
    total: number;
    postMs: number;
    run: Record<string, any>;
    finishedReceivedAt: number;
    logs: { receivedAt: number; text: string }[];
  }

  /** POST a run, follow its events to `finished`; times from the start of the POST. */
  async function apiRun(name: string): Promise<ApiRun> {
    const t0 = nowMs();
    const response = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: server.authHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ block: `RUN-bench/${name}`, hash: blockHash(name) }),
    });
    const posted = (await response.json()) as { id: string };
    const postMs = nowMs() - t0;
    if (response.status !== 202) throw new Error(`POST /api/runs answered ${response.status}: ${JSON.stringify(posted)}`);
    runIds.push(posted.id);
    let run: Record<string, any> = {};
    let finishedReceivedAt = NaN;
    const logs: ApiRun['logs'] = [];
    await readEvents(`${server.url}/api/runs/${posted.id}/events`, (event) => {
      if (event.event === 'log') logs.push({ receivedAt: event.receivedAt, text: (JSON.parse(event.data) as { text: string }).text });
      if (event.event !== 'finished') return false;
      finishedReceivedAt = event.receivedAt;
      run = (JSON.parse(event.data) as { run: Record<string, any> }).run;
      return true;
    });
    if (run.status !== 'passed') throw new Error(`run ${posted.id} ended ${run.status}: ${run.message}`);
    return { total: finishedReceivedAt - t0, postMs, run, finishedReceivedAt, logs };
  }

  const cliTime = (args: string[], env: Record<string, string> = {}) => {
    const t0 = nowMs();
    docker(args, env);
    return nowMs() - t0;
  };

  const summary = (label: string, api: number[], cli: number[]) =>
    `| ${label} | ${ms(quantile(api, 0.5))} | ${ms(quantile(api, 0.95))} | ${ms(quantile(cli, 0.5))} | ${ms(quantile(cli, 0.95))} | ${(quantile(api, 0.5) / quantile(cli, 0.5)).toFixed(2)}× |`;
  const header = (baseline: string) => [`| what | API median | p95 | ${baseline} median | p95 | ratio (median) |`, '| --- | --- | --- | --- | --- | --- |'].join('\n');

  /** Where an API run's time went, from its record and the client's clock. */
  const phases = (r: ApiRun) => {
    const created = Date.parse(r.run.createdAt);
    const started = Date.parse(r.run.startedAt);
    const finished = Date.parse(r.run.finishedAt);
    const stepMs = (r.run.result?.steps ?? []).reduce((sum: number, s: { durationMs?: number }) => sum + (s.durationMs ?? 0), 0);
    return {
      post: r.postMs,
      queued: started - created,
      executing: finished - started,
      engine: stepMs,
      around: finished - started - stepMs,
      delivery: r.finishedReceivedAt - finished,
    };
  };
  const phaseTable = (rows: ReturnType<typeof phases>[], engineLabel: string, restLabel: string) => {
    const median = (key: keyof ReturnType<typeof phases>) => ms(quantile(rows.map((row) => row[key]), 0.5));
    return [
      '| phase (median) | time |',
      '| --- | --- |',
      `| POST /api/runs answered | ${median('post')} |`,
      `| created → started (queue) | ${median('queued')} |`,
      `| started → finished (server) | ${median('executing')} |`,
      `| … of which ${engineLabel} | ${median('engine')} |`,
      `| … of which ${restLabel} | ${median('around')} |`,
      `| finished → \`finished\` event at client | ${median('delivery')} |`,
    ].join('\n');
  };

  console.log(`rounds: ${ROUNDS} (after ${WARMUP} warm-up rounds), log lines: ${LOG_LINES} × ${LOG_RUNS} run(s), engine: ${docker(['version', '-f', '{{.Server.Version}} (API {{.Server.APIVersion}})']).trim()}`);

  // --- 1. container run ---
  const runApi: number[] = [];
  const runCli: number[] = [];
  const runPhases: ReturnType<typeof phases>[] = [];
  for (let i = -WARMUP; i < ROUNDS; i++) {
    const apiFirst = i % 2 === 0;
    let api!: ApiRun;
    let cli = 0;
    if (apiFirst) api = await apiRun('hello');
    cli = cliTime(HELLO);
    if (!apiFirst) api = await apiRun('hello');
    if (i < 0) continue;
    runApi.push(api.total);
    runCli.push(cli);
    runPhases.push(phases(api));
  }
  console.log(`\n### 1. Container run\n\nAPI: POST /api/runs {block: RUN-bench/hello} → SSE \`finished\`; CLI: \`docker ${HELLO.map(shellWord).join(' ')}\`\n`);
  console.log(header('CLI'));
  console.log(summary('container run', runApi, runCli));
  console.log('');
  console.log(phaseTable(runPhases, 'container start → exit (ContainerRunResult.durationMs)', 'create, attach, output drain, inspect, remove'));

  // --- 2. build ---
  const buildApi: number[] = [];
  const buildCli: number[] = [];
  const buildPhases: ReturnType<typeof phases>[] = [];
  const cliBuild = ['build', '--no-cache', '-t', TAG_CLI, contextDir];
  for (let i = -WARMUP; i < ROUNDS; i++) {
    const apiFirst = i % 2 === 0;
    let api!: ApiRun;
    let cli = 0;
    if (apiFirst) api = await apiRun('build');
    cli = cliTime(cliBuild, { DOCKER_BUILDKIT: '0' });
    if (!apiFirst) api = await apiRun('build');
    // Untimed: drop both images so every round starts from the same state.
    removeImage(docker(['image', 'inspect', '-f', '{{.Id}}', TAG_CLI]).trim());
    if (api.run.imageId) removeImage(api.run.imageId);
    if (i < 0) continue;
    buildApi.push(api.total);
    buildCli.push(cli);
    buildPhases.push(phases(api));
  }
  console.log(`\n### 2. Build\n\nAPI: POST /api/runs {block: RUN-bench/build} (\`docker build --no-cache -t ${TAG_API} .\`) → SSE \`finished\`; CLI: \`DOCKER_BUILDKIT=0 docker ${cliBuild.join(' ')}\` (legacy builder on both sides)\n`);
  console.log(header('CLI'));
  console.log(summary('no-cache build', buildApi, buildCli));
  console.log('');
  console.log(phaseTable(buildPhases, 'context tar + engine build + image inspect (BuildResult.durationMs)', 'the rest'));

  // --- 3. log latency ---
  const lineStamp = (text: string) => {
    const match = /^ts (\d+(?:\.\d+)?)$/.exec(text.trim());
    return match ? Number(match[1]) : null;
  };
  const sseLatency: number[] = [];
  const cliLatency: number[] = [];
  for (let r = 0; r < LOG_RUNS; r++) {
    const api = await apiRun('ticker');
    for (const line of api.logs) {
      const stamp = lineStamp(line.text);
      if (stamp !== null) sseLatency.push(line.receivedAt - stamp);
    }
    await new Promise<void>((resolve, reject) => {
      const child = spawn('docker', TICKER, { stdio: ['ignore', 'pipe', 'inherit'] });
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const receivedAt = nowMs();
        buffer += chunk.toString();
        let end: number;
        while ((end = buffer.indexOf('\n')) >= 0) {
          const stamp = lineStamp(buffer.slice(0, end));
          buffer = buffer.slice(end + 1);
          if (stamp !== null) cliLatency.push(receivedAt - stamp);
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker run exited ${code}`))));
    });
  }
  const expected = LOG_LINES * LOG_RUNS;
  console.log(`\n### 3. Log latency\n\nA container prints \`ts <epoch ms>\` every 50 ms (${LOG_LINES} lines, \`python3 -u\`, flush); latency = receive time − the stamp in the line (same clock).`);
  console.log(`API: SSE \`log\` events of RUN-bench/ticker; CLI: stdout of \`docker ${TICKER.map(shellWord).join(' ')}\`\n`);
  console.log('| reader | lines | p50 | p95 | max |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| SSE \`log\` events | ${sseLatency.length}/${expected} | ${ms(quantile(sseLatency, 0.5))} | ${ms(quantile(sseLatency, 0.95))} | ${ms(Math.max(...sseLatency))} |`);
  console.log(`| docker CLI stdout (baseline) | ${cliLatency.length}/${expected} | ${ms(quantile(cliLatency, 0.5))} | ${ms(quantile(cliLatency, 0.95))} | ${ms(Math.max(...cliLatency))} |`);
} finally {
  await server.stop();
  removeImage(TAG_API);
  removeImage(TAG_CLI);
  docs.cleanup();
  rmSync(work, { recursive: true, force: true });
  const left = docker(['ps', '-a', '--filter', 'label=runbook-live.managed=true', '--format', '{{.ID}} {{.Label "runbook-live.run-id"}}']).trim();
  if (left) {
    const ours = left.split('\n').filter((row) => runIds.includes(row.split(' ')[1] ?? ''));
    const whose = ours.length > 0 ? `${ours.length} of them from this bench's runs` : "none from this bench's runs: another server's";
    console.warn(`\nWARNING: containers labelled runbook-live.managed=true are left (${whose}):\n${left}`);
  } else {
    console.log('\ncleanup: images removed, temp dirs removed, no runbook-live.managed containers left');
  }
}
