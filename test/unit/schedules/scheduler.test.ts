import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, type SchedulerDeps } from '../../../src/lib/schedules/scheduler.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import type { RunQuery } from '../../../src/lib/runs/run-store.ts';
import type { StartRunRequest } from '../../../src/lib/runs/run-service.ts';
import { fence, makeDocsWorld, type DocsWorld } from '../../support/fakes/docs-world.ts';
import { runRecord } from '../dashboard/fixtures.ts';

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const PROBE = fence('bash { name=probe check every=5m }', 'docker run --rm python:3.13-slim python3 -c "print(1)"');
const MANUAL = fence('bash { name=manual check every=5m }', 'ssh prod "docker ps"');
const UNSCHEDULED = fence('bash { name=plain check }', 'docker image inspect python:3.13-slim');
const NOT_A_CHECK = fence('bash { name=procedure every=5m }', 'docker image inspect python:3.13-slim');
const SOLO = fence('bash { name=solo check every=5m }', 'docker image inspect python:3.13-slim');

/** RunService's `start` and `list` in memory: a start stores a run at the clock's time, or joins when told to. */
class FakeRuns {
  readonly requests: StartRunRequest[] = [];
  readonly stored: RunRecord[] = [];
  /** `blockId@target` keys whose previous run is still active, so a start joins it. */
  readonly active = new Set<string>();
  readonly listQueries: RunQuery[] = [];
  private readonly clock: () => number;

  constructor(clock: () => number) {
    this.clock = clock;
  }

  readonly start = (request: StartRunRequest): { run: RunRecord; joined: boolean } => {
    this.requests.push(request);
    const key = `${request.block.id}@${request.target}`;
    if (this.active.has(key)) return { run: runRecord('still-running', { blockId: request.block.id, target: request.target, status: 'running' }), joined: true };
    const run = runRecord(`run-${this.stored.length + 1}`, { blockId: request.block.id, target: request.target, status: 'queued', createdAt: iso(this.clock()), trigger: 'schedule', actor: 'scheduler' });
    this.stored.push(run);
    return { run, joined: false };
  };

  readonly list = (query: RunQuery = {}): RunRecord[] => {
    this.listQueries.push(query);
    return this.stored
      .filter((run) => (!query.blockId || run.blockId === query.blockId) && (!query.target || run.target === query.target))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, query.limit ?? Infinity);
  };
}

let world: DocsWorld;
let clock: number;
let runs: FakeRuns;

// One docs folder for the file, put back to the single `solo` check before each test.
beforeAll(async () => {
  world = await makeDocsWorld();
});
afterAll(() => world.cleanup());
beforeEach(async () => {
  world.writeReference('solo', ['## Solo', '', SOLO].join('\n'));
  world.removeRunbook('demo');
  await world.reload();
  clock = T0;
  runs = new FakeRuns(() => clock);
});
afterEach(() => {
  vi.useRealTimers();
});

/** The start-up window the tests run with: a first run comes 0..30 s after the scheduler sees the check. */
const WINDOW_SECONDS = 30;

/** A scheduler over the world's docs on the fake clock; `random` is a constant or a queue of values. */
function scheduler(random: number | number[] = 0.5, overrides: Partial<SchedulerDeps> = {}): Scheduler {
  const queue = Array.isArray(random) ? [...random] : null;
  return new Scheduler({
    docs: world.docsSource,
    catalog: world.catalog,
    runs,
    defaultTargets: ['local'],
    startupWindowSeconds: WINDOW_SECONDS,
    now: () => clock,
    random: () => {
      if (!queue) return random as number;
      if (queue.length === 0) throw new Error('random() was called more often than this test planned');
      return queue.shift()!;
    },
    ...overrides,
  });
}

/** Adds runbook RUN-demo of system `demo` (targets local and remote) with checks runnable and not. */
async function withDemo(): Promise<void> {
  world.writeRunbook('demo', ['## Checks', '', PROBE, MANUAL, UNSCHEDULED, NOT_A_CHECK].join('\n'));
  await world.reload();
}

/** The schedule for `key`, failing the test when there is none. */
function schedule(s: Scheduler, key: string) {
  const state = s.snapshot().get(key);
  if (!state) throw new Error(`no schedule ${key}; have ${[...s.snapshot().keys()].join(', ')}`);
  return state;
}

describe('Scheduler: first runs', () => {
  it.each([
    [0.5, 15_000],
    [1, 29_999],
  ])('with random()=%s, a never-run 5m check is first due %s ms after the first tick: within the start-up window, not one interval later', async (random, delay) => {
    const s = scheduler(random);
    expect(await s.tick()).toEqual([]);
    expect(schedule(s, 'REF-solo/solo@local').nextAt).toBe(iso(T0 + delay));

    clock = T0 + delay - 1;
    expect(await s.tick()).toEqual([]);
    expect(runs.requests).toHaveLength(0);

    clock = T0 + delay;
    expect(await s.tick()).toEqual(['run-1']);
    expect(runs.requests).toHaveLength(1);
  });

  it('with random()=0, or a window of 0 s, runs a check on the very first tick', async () => {
    expect(await scheduler(0).tick()).toEqual(['run-1']);
    expect(await scheduler(0.9, { startupWindowSeconds: 0 }).tick()).toEqual(['run-2']);
  });

  it('describes a new schedule fully in snapshot() and asks the store for the last run of that block and target', async () => {
    const s = scheduler(0.5);
    await s.tick();
    expect(s.snapshot().get('REF-solo/solo@local')).toEqual({
      key: 'REF-solo/solo@local',
      blockId: 'REF-solo/solo',
      target: 'local',
      everySeconds: 300,
      nextAt: '2026-11-26T12:00:15.000Z',
      skipped: 0,
      lastRunId: null,
    });
    expect(runs.listQueries).toContainEqual({ blockId: 'REF-solo/solo', target: 'local', limit: 1 });
  });

  it('starts a due check as the scheduler, with the steps and variables the catalog prepares', async () => {
    await withDemo();
    const s = scheduler(0);
    await s.tick();
    const request = runs.requests.find((r) => r.block.id === 'RUN-demo/probe' && r.target === 'local');
    const prepared = world.catalog.prepare(world.block('RUN-demo/probe'), {});
    expect(prepared.ok).toBe(true);
    expect(request).toMatchObject({ actor: 'scheduler', trigger: 'schedule', variables: prepared.ok ? prepared.variables : null, steps: prepared.ok ? prepared.steps : null });
    expect(request!.steps[0]).toMatchObject({ kind: 'run', image: 'python:3.13-slim' });
  });

  it('gives a check that appears later (a doc gained it) its first run within the window from when it was seen', async () => {
    const s = scheduler(0.5);
    await s.tick();
    clock = T0 + 10 * MIN;
    await withDemo();
    expect(await s.tick()).toEqual(['run-1']);
    expect(schedule(s, 'RUN-demo/probe@local').nextAt).toBe(iso(T0 + 10 * MIN + 15_000));
    clock = T0 + 10 * MIN + 15_000;
    expect((await s.tick()).length).toBe(2);
    expect(runs.requests.map((r) => `${r.block.id}@${r.target}`)).toEqual(['REF-solo/solo@local', 'RUN-demo/probe@local', 'RUN-demo/probe@remote']);
  });

  it('caps the jitter of later runs at one minute for intervals longer than ten minutes', async () => {
    world.writeReference('solo', fence('bash { name=solo check every=1h }', 'docker image inspect python:3.13-slim'));
    await world.reload();
    const s = scheduler([0, 1, 0]);
    expect(await s.tick()).toEqual(['run-1']);
    // random()=1 is the latest a later run may come: one minute late.
    expect(schedule(s, 'REF-solo/solo@local')).toMatchObject({ everySeconds: 3600, nextAt: iso(T0 + 60 * MIN + MIN) });

    clock = T0 + 61 * MIN;
    expect(await s.tick()).toEqual(['run-2']);
    // random()=0 is the earliest: one minute early.
    expect(schedule(s, 'REF-solo/solo@local').nextAt).toBe(iso(clock + 60 * MIN - MIN));
  });
});

describe('Scheduler: later runs', () => {
  it('runs each time again one interval after the run, moved by up to ±10% (random 0 → -10%, 1 → +10%, 0.5 → none)', async () => {
    const s = scheduler([0.5, 0, 1, 0.5]);
    await s.tick();
    const key = 'REF-solo/solo@local';
    expect(schedule(s, key).nextAt).toBe(iso(T0 + 15_000));

    clock = T0 + 15_000;
    expect(await s.tick()).toEqual(['run-1']);
    expect(schedule(s, key)).toMatchObject({ nextAt: iso(clock + 5 * MIN - 30_000), lastRunId: 'run-1' });

    clock += 5 * MIN - 30_000;
    expect(await s.tick()).toEqual(['run-2']);
    expect(schedule(s, key)).toMatchObject({ nextAt: iso(clock + 5 * MIN + 30_000), lastRunId: 'run-2' });

    clock += 5 * MIN + 30_000;
    expect(await s.tick()).toEqual(['run-3']);
    expect(schedule(s, key).nextAt).toBe(iso(clock + 5 * MIN));
    expect(runs.requests.map((r) => r.target)).toEqual(['local', 'local', 'local']);
  });

  it('starts nothing on ticks between two due times', async () => {
    const s = scheduler(0.5);
    await s.tick();
    clock = T0 + 15_000;
    await s.tick();
    const started = runs.requests.length;
    for (const offset of [1, MIN, 4 * MIN, 5 * MIN - 1]) {
      clock = T0 + 15_000 + offset;
      expect(await s.tick()).toEqual([]);
    }
    expect(runs.requests).toHaveLength(started);
  });

  it('counts the next interval from the tick that started the run, so a late tick shifts the schedule', async () => {
    const s = scheduler(0.5);
    await s.tick();
    clock = T0 + 15_000 + 42_000;
    await s.tick();
    expect(schedule(s, 'REF-solo/solo@local').nextAt).toBe(iso(clock + 5 * MIN));
  });
});

describe('Scheduler: runs still going', () => {
  it('skips a due check whose previous run is still active, counts it, and runs it again once that run ended', async () => {
    const s = scheduler(0.5);
    const key = 'REF-solo/solo@local';
    await s.tick();
    runs.active.add(key);

    clock = T0 + 15_000;
    expect(await s.tick()).toEqual([]);
    expect(schedule(s, key)).toMatchObject({ skipped: 1, lastRunId: null, nextAt: iso(clock + 5 * MIN) });

    clock += 5 * MIN;
    expect(await s.tick()).toEqual([]);
    expect(schedule(s, key).skipped).toBe(2);

    runs.active.delete(key);
    clock += 5 * MIN;
    expect(await s.tick()).toEqual(['run-1']);
    expect(schedule(s, key)).toMatchObject({ skipped: 2, lastRunId: 'run-1' });
    // Every due time asked to start a run; only the last was a new one.
    expect(runs.requests).toHaveLength(3);
  });

  it('does not start a second tick while one is still reading the docs', async () => {
    const current = vi.fn(world.docsSource.current);
    const s = scheduler(0, { docs: { current } });
    clock = T0;
    expect(await s.tick()).toEqual(['run-1']);
    clock = T0 + 5 * MIN;
    const [first, second] = await Promise.all([s.tick(), s.tick()]);
    expect(first).toEqual(['run-2']);
    expect(second).toEqual([]);
    expect(current).toHaveBeenCalledTimes(2);
  });

  it('rejects a tick whose docs cannot be read, and ticks normally afterwards', async () => {
    let broken = true;
    const s = scheduler(0.5, { docs: { current: () => (broken ? Promise.reject(new Error('docs folder unreadable')) : world.docsSource.current()) } });
    await expect(s.tick()).rejects.toThrow('docs folder unreadable');
    broken = false;
    expect(await s.tick()).toEqual([]);
    expect([...s.snapshot().keys()]).toEqual(['REF-solo/solo@local']);
  });
});

describe('Scheduler: history in the store', () => {
  it.each([
    ['long ago', T0 - 24 * 60 * MIN],
    ['a minute ago', T0 - MIN],
  ])('still runs a check whose last stored run was %s within the window after start, then one interval after that run', async (_when, at) => {
    runs.stored.push(runRecord('old', { blockId: 'REF-solo/solo', target: 'local', createdAt: iso(at) }));
    const s = scheduler(0.5);
    expect(await s.tick()).toEqual([]);
    expect(schedule(s, 'REF-solo/solo@local')).toMatchObject({ lastRunId: 'old', nextAt: iso(T0 + 15_000) });
    clock = T0 + 15_000;
    expect(await s.tick()).toEqual(['run-2']);
    expect(schedule(s, 'REF-solo/solo@local')).toMatchObject({ lastRunId: 'run-2', nextAt: iso(clock + 5 * MIN) });
  });
});

describe('Scheduler: docs that change', () => {
  it('drops the schedule of a check removed from the docs, and of one that lost its every=', async () => {
    await withDemo();
    const s = scheduler(0.5);
    await s.tick();
    expect([...s.snapshot().keys()].sort()).toEqual(['REF-solo/solo@local', 'RUN-demo/probe@local', 'RUN-demo/probe@remote']);

    world.writeRunbook('demo', ['## Checks', '', fence('bash { name=probe check }', 'docker run --rm python:3.13-slim python3 -c "print(1)"')].join('\n'));
    await world.reload();
    await s.tick();
    expect([...s.snapshot().keys()]).toEqual(['REF-solo/solo@local']);

    world.docs.remove('reference/ref-solo.md');
    await world.reload();
    await s.tick();
    expect(s.snapshot().size).toBe(0);
  });

  it('picks up a changed every= and reschedules from the last run, keeping the skip count', async () => {
    const s = scheduler(0.5);
    const key = 'REF-solo/solo@local';
    await s.tick();
    runs.active.add(key);
    clock = T0 + 15_000;
    await s.tick();
    runs.active.delete(key);
    clock += 5 * MIN;
    await s.tick();
    const ranAt = clock;
    expect(schedule(s, key)).toMatchObject({ everySeconds: 300, skipped: 1, lastRunId: 'run-1' });

    world.writeReference('solo', fence('bash { name=solo check every=1m }', 'docker image inspect python:3.13-slim'));
    await world.reload();
    clock = ranAt + 10_000;
    expect(await s.tick()).toEqual([]);
    expect(schedule(s, key)).toEqual({ key, blockId: 'REF-solo/solo', target: 'local', everySeconds: 60, nextAt: iso(ranAt + MIN), skipped: 1, lastRunId: 'run-1' });

    clock = ranAt + MIN;
    expect(await s.tick()).toEqual(['run-2']);
  });

  it('keeps the start-up slot of a check whose every= changed before its first run', async () => {
    const s = scheduler(0.5);
    await s.tick();
    world.writeReference('solo', fence('bash { name=solo check every=1m }', 'docker image inspect python:3.13-slim'));
    await world.reload();
    clock = T0 + 5_000;
    expect(await s.tick()).toEqual([]);
    expect(schedule(s, 'REF-solo/solo@local')).toMatchObject({ everySeconds: 60, nextAt: iso(T0 + 15_000) });
    clock = T0 + 15_000;
    expect(await s.tick()).toEqual(['run-1']);
  });

  it('never schedules or starts blocks that cannot run, are not checks, or have no valid every=', async () => {
    await withDemo();
    world.writeReference('solo', fence('bash { name=solo check every=soon }', 'docker image inspect python:3.13-slim'));
    await world.reload();
    expect(world.block('RUN-demo/manual')).toMatchObject({ isCheck: true, runnable: false });
    const s = scheduler(0);
    for (const at of [T0, T0 + 5 * MIN, T0 + 24 * 60 * MIN]) {
      clock = at;
      await s.tick();
    }
    expect([...s.snapshot().keys()].sort()).toEqual(['RUN-demo/probe@local', 'RUN-demo/probe@remote']);
    expect(new Set(runs.requests.map((r) => r.block.id))).toEqual(new Set(['RUN-demo/probe']));
  });
});

describe('Scheduler: targets', () => {
  it("gives every target of the block's system its own schedule, run and skip count", async () => {
    await withDemo();
    const s = scheduler(0.5);
    await s.tick();
    runs.active.add('RUN-demo/probe@remote');
    clock = T0 + 15_000;
    const started = await s.tick();

    const probes = runs.requests.filter((r) => r.block.id === 'RUN-demo/probe');
    expect(probes.map((r) => r.target)).toEqual(['local', 'remote']);
    const local = schedule(s, 'RUN-demo/probe@local');
    const remote = schedule(s, 'RUN-demo/probe@remote');
    expect(started).toContain(local.lastRunId);
    expect(local).toMatchObject({ target: 'local', skipped: 0 });
    expect(remote).toMatchObject({ target: 'remote', skipped: 1, lastRunId: null });
  });

  it('runs a check of a doc without a system on every default target', async () => {
    const s = scheduler(0, { defaultTargets: ['local', 'edge'] });
    await s.tick();
    expect([...s.snapshot().keys()].filter((k) => k.startsWith('REF-solo/')).sort()).toEqual(['REF-solo/solo@edge', 'REF-solo/solo@local']);
  });
});

describe('Scheduler: start and stop', () => {
  it('ticks at once on start(), then every tickMs, and not after stop()', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const current = vi.fn(world.docsSource.current);
    const s = scheduler(0, { docs: { current }, tickMs: 1_000 });
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(current).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(current).toHaveBeenCalledTimes(4);
    s.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(current).toHaveBeenCalledTimes(4);
  });
});
