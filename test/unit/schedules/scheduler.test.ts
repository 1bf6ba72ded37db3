import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocsRepository } from '../../../src/lib/docs/index.ts';
import { ProcedureCatalog } from '../../../src/lib/procedures/index.ts';
import type { RunService, RunStore } from '../../../src/lib/runs/index.ts';
import { Scheduler } from '../../../src/lib/schedules/index.ts';
import { loadSystemsConfig } from '../../../src/lib/systems/index.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

// The scheduler's timing rules on an injected clock and pinned jitter, ticked by hand: what
// the engine test (test/engine/incidents/schedules.test.ts) can only show on the wall clock,
// within tolerances, is exact here, and nothing waits.

const START = Date.parse('2026-11-20T08:00:00.000Z');
const TICK = 'RUN-clock/tick@local';

/** A run the fake service started: its block and when, on the injected clock. */
interface Started {
  id: string;
  blockId: string;
  target: string;
  at: number;
}

let docs: TempDocs;
let configDir: string;
let now: number;
let random: number;
let started: Started[];
/** Block ids whose run is still going: asking again joins it, as RunService does. */
let going: Set<string>;

/** A scheduler over a temp runbook with `every=10s` (tick) and `every=1m` (slow) checks. */
function makeScheduler(lastRunAt: number | null = null): Scheduler {
  const systems = loadSystemsConfig(writeConfig());
  const runs = {
    start: (request: { block: { id: string }; target: string; actor: string; trigger: string }) => {
      expect(request).toMatchObject({ actor: 'scheduler', trigger: 'schedule' });
      const joined = going.has(request.block.id);
      const run = joined ? { id: `joined-${request.block.id}` } : { id: `run-${started.length + 1}` };
      if (!joined) {
        started.push({ id: run.id, blockId: request.block.id, target: request.target, at: now });
        going.add(request.block.id);
      }
      return { run, joined };
    },
  } as unknown as RunService;
  const store = {
    listRuns: () => (lastRunAt === null ? [] : [{ id: 'earlier', createdAt: new Date(lastRunAt).toISOString() }]),
  } as unknown as RunStore;
  return new Scheduler({ docs: new DocsRepository(docs.dir), catalog: new ProcedureCatalog(systems), runs, store, defaultTargets: ['local'], now: () => now, random: () => random });
}

function writeConfig(): string {
  const file = path.join(configDir, 'runbook-live.yaml');
  writeFileSync(file, `targets:\n  local:\n    url: unix:///var/run/docker.sock\nsystems:\n  clock:\n    dir: ${JSON.stringify(configDir)}\n    targets: [local]\n`);
  return file;
}

beforeEach(() => {
  docs = makeTempDocs();
  configDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-scheduler-'));
  docs.write(
    'runbooks/runbook-clock.md',
    doc(
      { type: 'runbook', id: 'RUN-clock', title: 'Clock', status: 'active', owners: ['platform'], created: '2026-11-01', system: 'clock' },
      '## Tick\n\n```bash { name=tick check every=10s }\ndocker image inspect python:3.13-slim\n```\n\n## Slow\n\n```bash { name=slow check every=1m }\ndocker image inspect python:3.13-slim\n```\n',
    ),
  );
  now = START;
  random = 0.5;
  started = [];
  going = new Set();
});

afterEach(() => {
  docs.cleanup();
  rmSync(configDir, { recursive: true, force: true });
});

describe('Scheduler on an injected clock', () => {
  it('runs nothing before one interval (plus the first-run jitter) has passed since start, then runs it once', async () => {
    random = 0.5; // first-run jitter: 0.5 × 10% of 10 s = 500 ms, only ever later
    const scheduler = makeScheduler();
    expect(await scheduler.tick()).toEqual([]);
    expect(scheduler.snapshot().get(TICK)).toMatchObject({ blockId: 'RUN-clock/tick', target: 'local', everySeconds: 10, nextAt: new Date(START + 10_500).toISOString(), skipped: 0, lastRunId: null });

    now = START + 10_499;
    expect(await scheduler.tick()).toEqual([]);
    now = START + 10_500;
    expect(await scheduler.tick()).toEqual(['run-1']);
    expect(started).toEqual([{ id: 'run-1', blockId: 'RUN-clock/tick', target: 'local', at: START + 10_500 }]);
    // The same tick again (the clock did not move): not due any more.
    expect(await scheduler.tick()).toEqual([]);
  });

  it('schedules each next run one interval after the last, moved by at most ±10% either way', async () => {
    const scheduler = makeScheduler();
    await scheduler.tick();
    for (const [pinned, offset] of [[0, -1_000], [1, 1_000], [0.5, 0]] as const) {
      now = Date.parse(scheduler.snapshot().get(TICK)!.nextAt);
      random = pinned;
      expect(await scheduler.tick()).toHaveLength(1);
      going.clear();
      expect(Date.parse(scheduler.snapshot().get(TICK)!.nextAt) - now).toBe(10_000 + offset);
    }
    expect(started.map((run) => run.blockId)).toEqual(['RUN-clock/tick', 'RUN-clock/tick', 'RUN-clock/tick']);
  });

  it('counts a due time that finds the previous run still going as skipped, and starts nothing', async () => {
    random = 0;
    const scheduler = makeScheduler();
    await scheduler.tick();
    now = START + 10_000;
    expect(await scheduler.tick()).toEqual(['run-1']);
    // Still going at the next due time (10 s later, jitter pinned to −10%: 9 s).
    now = START + 19_000;
    expect(await scheduler.tick()).toEqual([]);
    expect(scheduler.snapshot().get(TICK)).toMatchObject({ skipped: 1, lastRunId: 'run-1' });
    // Once it has ended, the next due time starts a new run.
    going.clear();
    now = START + 28_000;
    expect(await scheduler.tick()).toEqual(['run-2']);
    expect(scheduler.snapshot().get(TICK)).toMatchObject({ skipped: 1, lastRunId: 'run-2' });
  });

  it('after a restart, counts the first interval from the last stored run, not from the start', async () => {
    random = 0.5; // later runs: no jitter at 0.5
    const scheduler = makeScheduler(START - 4_000);
    expect(await scheduler.tick()).toEqual([]);
    expect(scheduler.snapshot().get(TICK)).toMatchObject({ nextAt: new Date(START + 6_000).toISOString(), lastRunId: 'earlier' });
    now = START + 6_000;
    expect(await scheduler.tick()).toEqual(['run-1']);
  });

  it('drops a schedule taken out of the doc on the next tick, and starts nothing for it', async () => {
    const scheduler = makeScheduler();
    await scheduler.tick();
    expect([...scheduler.snapshot().keys()].sort()).toEqual(['RUN-clock/slow@local', TICK]);
    docs.write(
      'runbooks/runbook-clock.md',
      doc({ type: 'runbook', id: 'RUN-clock', title: 'Clock', status: 'active', owners: ['platform'], created: '2026-11-01', system: 'clock' }, '## Tick\n\n```bash { name=tick check }\ndocker image inspect python:3.13-slim\n```\n'),
    );
    now = START + 120_000;
    expect(await scheduler.tick()).toEqual([]);
    expect(scheduler.snapshot().size).toBe(0);
    expect(started).toEqual([]);
  });
});
