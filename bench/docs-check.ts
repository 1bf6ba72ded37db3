// docs-check on real-sized team repositories, against a process that only reads the files.
//   node bench/docs-check.ts            (the cold-start part needs `npx astro build` first,
//                                        or RUNBOOK_LIVE_TEST_BUILD naming another build folder)
// Generates team repositories of 1,000 and 5,000 docs (test/support/team-repo.ts: nested type
// folders, the team's own contract, about 5 id mentions and 3 path references per doc), then:
//   (a) `docs-check DIR --json > /dev/null`, wall time including process start;
//   (b) a baseline process that walks the same folder, reads every .md and splits off its
//       frontmatter with a regex: the least any checker must do;
//   (d) the built server's cold start to the first 200 of `GET /` (the catalogue), 1,000 docs.
// Goals: docs-check ≤ 500 ms and ≤ 2× the baseline on 1,000 docs; cold start ≤ 1 s.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeTeamRepo, type TeamRepo } from '../test/support/team-repo.ts';
import { freePort } from '../test/support/server.ts';
import { ms, quantile } from './lib.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
// The launcher npm scripts and npx use: the compiled bundle, built by the warm-up run.
const CLI = path.join(ROOT, 'bin/runbook-live.mjs');
// The build named by RUNBOOK_LIVE_TEST_BUILD (as test/support/server.ts takes it), else dist/.
const ENTRY = path.join(process.env.RUNBOOK_LIVE_TEST_BUILD ?? path.join(ROOT, 'dist'), 'server/entry.mjs');
const SIZES = [1000, 5000];
const RUNS = Number(process.env.RUNS ?? 5);
const COLD_STARTS = Number(process.env.COLD_STARTS ?? 3);
// The fixture adds named docs and templates (16) on top of the generated bulk.
const NAMED_DOCS = 16;

// Kept deliberately naive: no YAML parsing, no validation, so the ratio shows what docs-check
// costs beyond touching every file once in a fresh Node process.
const BASELINE_SCRIPT = `import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
const FENCE = /^---\\r?\\n([\\s\\S]*?)\\r?\\n---\\r?\\n?/;
let docs = 0;
let frontmatter = 0;
for (const entry of readdirSync(process.argv[2], { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.md')) continue;
  const match = FENCE.exec(readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
  docs += 1;
  if (match) frontmatter += match[1].length;
}
process.stdout.write(JSON.stringify({ docs, frontmatter }) + '\\n');
`;

const scratch = mkdtempSync(path.join(tmpdir(), 'bench-docs-check-'));
const baselineFile = path.join(scratch, 'baseline.mjs');
writeFileSync(baselineFile, BASELINE_SCRIPT);
// A systems file that does not exist: the defaults, whatever runbook-live.yaml the checkout has.
const env: NodeJS.ProcessEnv = { ...process.env, SYSTEMS_CONFIG: path.join(scratch, 'no-runbook-live.yaml'), NO_COLOR: '1' };
delete env.REPO_DIR;
delete env.DOCS_DIR;

const repos: TeamRepo[] = [];
const servers = new Set<ChildProcess>();

/** Wall time of one process run with stdout sent to /dev/null, as `> /dev/null` does. */
function wallTime(args: string[], okCodes: number[]): number {
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', devNull, 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    const elapsed = performance.now() - start;
    if (result.status === null || !okCodes.includes(result.status)) {
      throw new Error(`${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stderr.toString().slice(0, 2000)}`);
    }
    return elapsed;
  } finally {
    closeSync(devNull);
  }
}

/** Medians of docs-check and the baseline on one docs folder, run alternately so both see the same machine noise. */
function measureCheck(docsDir: string): { check: number; baseline: number } {
  // 0 and 1 are verdicts; 2 would mean the corpus itself is unusable and the timing meaningless.
  const check = () => wallTime([CLI, 'docs-check', docsDir, '--json'], [0, 1]);
  const baseline = () => wallTime([baselineFile, docsDir], [0]);
  check();
  baseline();
  const checks: number[] = [];
  const baselines: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    checks.push(check());
    baselines.push(baseline());
  }
  return { check: quantile(checks, 0.5), baseline: quantile(baselines, 0.5) };
}

/** Stops a server and waits until it is gone, killing it if SIGTERM is not enough. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  servers.delete(child);
}

/** Milliseconds from spawning the built server to its first 200 for `GET /`, with a fresh DATA_DIR. */
async function coldStart(docsDir: string): Promise<number> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(scratch, 'data-'));
  let log = '';
  const start = performance.now();
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: { ...env, DOCS_DIR: docsDir, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.add(child);
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited with ${child.exitCode ?? child.signalCode}:\n${log}`);
      if (performance.now() - start > 30_000) throw new Error(`no 200 for GET / within 30 s:\n${log}`);
      // Until the server listens the connection is refused at once; poll often, since each
      // try's latency is part of the figure.
      const status = await fetch(`http://127.0.0.1:${port}/`).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => null,
      );
      if (status === 200) return performance.now() - start;
      await delay(5);
    }
  } finally {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A figure against its goal. */
function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}

try {
  console.log(`docs-check, median of ${RUNS} runs after 1 warm-up, process start included (Node ${process.version})\n`);
  console.log('| docs | docs-check `--json > /dev/null` | baseline (read + split) | ratio | goal | |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const corpora = new Map<number, TeamRepo>();
  for (const size of SIZES) {
    const repo = makeTeamRepo({ docs: size - NAMED_DOCS });
    repos.push(repo);
    corpora.set(size, repo);
    const count = repo.docFiles.length + repo.exemptFiles.length;
    const { check, baseline } = measureCheck(repo.docsDir);
    const ratio = check / baseline;
    const goal = size === 1000 ? '≤ 500 ms and ≤ 2×' : '—';
    const met = size === 1000 ? verdict(check <= 500 && ratio <= 2) : '';
    console.log(`| ${count.toLocaleString('en')} | ${ms(check)} | ${ms(baseline)} | ${ratio.toFixed(2)}× | ${goal} | ${met} |`);
  }

  console.log(`\nServer cold start to the first 200 of GET /, median of ${COLD_STARTS}\n`);
  if (!existsSync(ENTRY)) {
    console.log(`${path.relative(ROOT, ENTRY)} is missing: run \`npx astro build\` first. Skipped the cold-start measurement.`);
  } else {
    const repo = corpora.get(1000)!;
    const times: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) times.push(await coldStart(repo.docsDir));
    const median = quantile(times, 0.5);
    console.log('| docs | cold start median | runs | goal | |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(`| ${(repo.docFiles.length + repo.exemptFiles.length).toLocaleString('en')} | ${ms(median)} | ${times.map(ms).join(', ')} | ≤ 1 s | ${verdict(median <= 1000)} |`);
  }
} finally {
  for (const child of servers) await stopServer(child);
  for (const repo of repos) repo.cleanup();
  rmSync(scratch, { recursive: true, force: true });
}
