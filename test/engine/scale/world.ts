// The generated world of the dashboard scale test and bench: 20 runbooks × 10 bash check blocks
// (`docker image inspect python:3.13-slim`, real and fast), a systems config whose system folder
// is a temp folder, and 20,000 runs (100 per check) seeded straight into the SQLite file before
// any server starts. Deterministic for a given seed; times are relative to `now`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashBlockSource } from '../../../src/lib/procedures/block-identity.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { doc } from '../../support/temp-docs.ts';
import { prng } from '../../support/prng.ts';

export const IMAGE = 'python:3.13-slim';
export const TARGET = 'local';
export const DAY_MS = 86_400_000;
/** No seeded run is created this close to the 24 h and 7 d window edges, so expectations hold for minutes. */
export const EDGE_GAP_MS = 30 * 60_000;
/** The block text every check runs (each check is a separate block: its own id). */
export const BLOCK_SOURCE = `docker image inspect ${IMAGE}`;

export interface ScaleOptions {
  runbooks?: number;
  checksPerRunbook?: number;
  runsPerCheck?: number;
  days?: number;
  /** Targets every check runs on: `local`, then `local-2` … (all the same local engine). */
  targets?: number;
  /** Keep every seeded run in `runs` (for expectations); off for a million-run bench world. */
  keepRuns?: boolean;
  /** Extra lines for the systems config's `runs:` section (e.g. a retention policy). */
  runsConfig?: string;
  /** Runs at once, in the systems config. */
  concurrency?: number;
  now?: number;
  seed?: number;
}

export interface ScaleCheck {
  docId: string;
  blockId: string;
  name: string;
  hash: string;
}

export interface ScaleWorld {
  dir: string;
  docsDir: string;
  dataDir: string;
  systemsConfig: string;
  databaseFile: string;
  env: Record<string, string>;
  checks: ScaleCheck[];
  targets: string[];
  /** Every seeded run, in insertion order (per check and target, oldest first); empty unless `keepRuns`. */
  runs: RunRecord[];
  /** How many runs were seeded. */
  runCount: number;
  now: number;
  seedMs: number;
  cleanup(): void;
}


/** Pass probabilities cycled over the checks, so the world has healthy, flaky and broken checks. */
const PASS_PROBABILITY = [0.97, 0.85, 0.5, 0.15, 0.99];

/** Writes the docs folder and systems config, and seeds the runs into DATA_DIR's SQLite file. */
export function makeScaleWorld(options: ScaleOptions = {}): ScaleWorld {
  const { runbooks = 20, checksPerRunbook = 10, runsPerCheck = 100, days = 10, concurrency = 2, now = Date.now(), seed = 20_000, keepRuns = true, runsConfig = '' } = options;
  const targets = Array.from({ length: options.targets ?? 1 }, (_, i) => (i === 0 ? TARGET : `${TARGET}-${i + 1}`));
  const dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-scale-'));
  const docsDir = path.join(dir, 'docs');
  const dataDir = path.join(dir, 'data');
  const systemDir = path.join(dir, 'system');
  mkdirSync(path.join(docsDir, 'runbooks'), { recursive: true });
  mkdirSync(systemDir);
  const systemsConfig = path.join(dir, 'runbook-live.yaml');
  writeFileSync(
    systemsConfig,
    `targets:\n${targets.map((t) => `  ${t}:\n    url: unix:///var/run/docker.sock\n`).join('')}systems:\n  scale:\n    dir: ${systemDir}\n    targets: [${targets.join(', ')}]\nruns:\n  concurrency: ${concurrency}\n  timeout_seconds: 120\n  log_limit_bytes: 1048576\n${runsConfig}`,
  );

  const checks: ScaleCheck[] = [];
  const hash = hashBlockSource(BLOCK_SOURCE);
  for (let r = 0; r < runbooks; r++) {
    const slug = `scale-${String(r).padStart(2, '0')}`;
    const docId = `RUN-${slug}`;
    const sections: string[] = [];
    for (let c = 0; c < checksPerRunbook; c++) {
      const name = `c${r * checksPerRunbook + c}`;
      checks.push({ docId, blockId: `${docId}/${name}`, name, hash });
      sections.push(`## Check ${name}\n\nThe base image is present.\n\n\`\`\`bash { name=${name} check }\n${BLOCK_SOURCE}\n\`\`\`\n`);
    }
    writeFileSync(
      path.join(docsDir, 'runbooks', `runbook-${slug}.md`),
      doc({ type: 'runbook', id: docId, title: `Scale ${r}`, status: 'active', owners: ['platform'], created: '2026-11-01', system: 'scale' }, `\n# Scale ${r}\n\n${sections.join('\n')}`),
    );
  }

  const random = prng(seed);
  const span = days * DAY_MS;
  const nearEdge = (offset: number) => Math.abs(offset - DAY_MS) < EDGE_GAP_MS || Math.abs(offset - 7 * DAY_MS) < EDGE_GAP_MS;
  const runs: RunRecord[] = [];
  const databaseFile = path.join(dataDir, 'runbook-live.sqlite');
  const t0 = performance.now();
  const store = new SqliteRunStore(databaseFile);
  // One transaction for the whole seed: a million rows in seconds, not one fsync each.
  // A page cache big enough for the indexes being built, so the transaction does not spill to the log.
  store.database.exec('PRAGMA cache_size = -524288; BEGIN');
  let runCount = 0;
  checks.forEach((check, i) => {
    const pass = PASS_PROBABILITY[i % PASS_PROBABILITY.length]!;
    targets.forEach((target, t) => {
      // Distinct creation times, none within a minute of now or near a window edge; oldest first.
      // One check in 40 went quiet more than a day ago, so its 24 h rate has nothing to go on.
      const from = i % 40 === 7 ? DAY_MS + EDGE_GAP_MS : 60_000;
      const offsets = new Set<number>();
      while (offsets.size < runsPerCheck) {
        const offset = from + Math.floor(random() * (span - from));
        if (!nearEdge(offset)) offsets.add(offset);
      }
      for (const [j, offset] of [...offsets].sort((a, b) => b - a).entries()) {
        const roll = random();
        const status: RunRecord['status'] = roll < pass ? 'passed' : roll < pass + (1 - pass) * 0.7 ? 'failed' : 'errored';
        const created = now - offset;
        const started = created + Math.floor(random() * 500);
        const duration = 40 + Math.floor(random() * 3000);
        const run: RunRecord = {
          // The first target keeps the ids the single-target world always had.
          id: `seed-${String(i).padStart(3, '0')}-${t === 0 ? '' : `t${t}-`}${String(j).padStart(3, '0')}`,
          blockId: check.blockId,
          docId: check.docId,
          blockHash: check.hash,
          blockSource: BLOCK_SOURCE,
          target,
          status,
          failureKind: status === 'passed' ? null : status === 'failed' ? 'exit_nonzero' : 'internal',
          message: status === 'passed' ? null : status === 'failed' ? 'docker image inspect exited 1' : 'the engine answered 500',
          variables: {},
          actor: 'seed',
          trigger: j % 3 === 0 ? 'schedule' : 'manual',
          createdAt: new Date(created).toISOString(),
          startedAt: new Date(started).toISOString(),
          finishedAt: new Date(started + duration).toISOString(),
          exitCode: status === 'passed' ? 0 : status === 'failed' ? 1 : null,
          imageId: null,
          imageDigest: null,
          docHash: null,
          docsCommit: null,
          result: null,
          logBytes: 0,
          logTruncated: false,
        };
        store.insertRun(run);
        runCount += 1;
        if (keepRuns) runs.push(run);
      }
    });
  });
  store.database.exec('COMMIT');
  store.close();
  const seedMs = performance.now() - t0;

  return {
    dir,
    docsDir,
    dataDir,
    systemsConfig,
    databaseFile,
    env: { DOCS_DIR: docsDir, DATA_DIR: dataDir, SYSTEMS_CONFIG: systemsConfig },
    checks,
    targets,
    runs,
    runCount,
    now,
    seedMs,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
