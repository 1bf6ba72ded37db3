// Retention on a real SQLite file: exactly the runs the policy keeps survive, with their logs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { RunRetention } from '../../../src/lib/runs/run-retention.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import { runRecord } from '../dashboard/fixtures.ts';
import { prng } from '../../support/prng.ts';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const DAY = 86_400_000;
let dir: string;
let store: SqliteRunStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-retention-'));
  store = new SqliteRunStore(path.join(dir, 'runbook-live.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const ids = () => new Set((store.database.prepare('SELECT id FROM runs').all() as Array<{ id: string }>).map((row) => row.id));

/** Runs over `days` days on three keys, with a log line each; returns them. */
function seed(perKey: number, days: number, seed = 1): RunRecord[] {
  const random = prng(seed);
  const runs: RunRecord[] = [];
  for (const [blockId, target] of [['RUN-demo/a', 'local'], ['RUN-demo/a', 'remote'], ['RUN-demo/b', 'local']] as const) {
    const offsets = new Set<number>();
    while (offsets.size < perKey) offsets.add(60_000 + Math.floor(random() * days * DAY));
    for (const offset of offsets) {
      const run = runRecord(`${blockId}@${target}#${offset}`, { blockId, target, status: random() < 0.7 ? 'passed' : 'failed', createdAt: ago(offset), startedAt: ago(offset - 100), finishedAt: ago(offset - 200) });
      store.insertRun(run);
      store.appendLogs([{ runId: run.id, seq: 1, stream: 'stdout', text: 'hello', at: run.createdAt }]);
      runs.push(run);
    }
  }
  return runs;
}

/** What the policy keeps, worked out in plain code from the seeded runs. */
function expectedKept(runs: RunRecord[], keepLast: number, keepDays: number): Set<string> {
  const cutoff = ago(keepDays * DAY);
  const byKey = Map.groupBy(runs, (run) => `${run.blockId}@${run.target}`);
  const kept = new Set<string>();
  for (const group of byKey.values()) {
    const newestFirst = group.toSorted((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    newestFirst.forEach((run, i) => {
      if (i < keepLast || run.createdAt >= cutoff || run.status === 'queued' || run.status === 'running') kept.add(run.id);
    });
  }
  return kept;
}

describe('pruneRuns', () => {
  it('keeps exactly the newest keep_last per block and target plus everything younger than keep_days, and their logs', async () => {
    const runs = seed(120, 40);
    const result = await store.pruneRuns({ policy: { keepLast: 25, keepDays: 10 }, now: NOW, batchSize: 7 });
    const kept = expectedKept(runs, 25, 10);
    expect(ids()).toEqual(kept);
    expect(result.deleted).toBe(runs.length - kept.size);
    expect(result.deleted).toBeGreaterThan(100);
    // Small batches: each is its own transaction.
    expect(result.batches).toBe(Math.ceil(result.deleted / 7));
    const logRuns = new Set((store.database.prepare('SELECT DISTINCT run_id FROM run_logs').all() as Array<{ run_id: string }>).map((row) => row.run_id));
    expect(logRuns).toEqual(kept);
    // A second pass has nothing left to do.
    expect((await store.pruneRuns({ policy: { keepLast: 25, keepDays: 10 }, now: NOW })).deleted).toBe(0);
    expect(store.database.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
  });

  it('keeps the newest run of each key even with keep_days 0, and never touches queued or running runs', async () => {
    const runs = seed(30, 5, 2);
    const stuck = runRecord('stuck', { blockId: 'RUN-demo/b', status: 'running', createdAt: ago(20 * DAY), startedAt: ago(20 * DAY) });
    store.insertRun(stuck);
    await store.pruneRuns({ policy: { keepLast: 1, keepDays: 0 }, now: NOW });
    const kept = expectedKept([...runs, stuck], 1, 0);
    expect(ids()).toEqual(kept);
    expect(kept.size).toBe(4);
    expect(ids().has('stuck')).toBe(true);
    // The dashboard's latest states still point at runs that exist.
    for (const state of store.latestByKey().values()) expect(ids().has(state.runId)).toBe(true);
  });

  it('stops between batches once aborted', async () => {
    seed(100, 40, 3);
    const abort = new AbortController();
    abort.abort();
    const result = await store.pruneRuns({ policy: { keepLast: 1, keepDays: 0 }, now: NOW, batchSize: 10, signal: abort.signal });
    expect(result.deleted).toBe(0);
    expect(ids().size).toBe(300);
  });
});

describe('RunRetention', () => {
  it('reports the database size, the oldest run kept and the last prune', async () => {
    const runs = seed(50, 30, 4);
    const retention = new RunRetention({ store, policy: { keepLast: 10, keepDays: 7 }, now: () => NOW });
    expect(retention.status()).toMatchObject({ lastPrune: null, policy: { keepLast: 10, keepDays: 7 } });
    const before = retention.status();
    expect(before.oldestRunAt).toBe(runs.map((r) => r.createdAt).sort()[0]);
    const [first, joined] = [retention.prune(), retention.prune()];
    expect(joined).toBe(first);
    const result = await first;
    const after = retention.status();
    expect(after.lastPrune).toMatchObject({ deleted: result.deleted, at: NOW.toISOString() });
    expect(after.databaseBytes).toBeGreaterThan(0);
    const kept = expectedKept(runs, 10, 7);
    expect(after.oldestRunAt).toBe(runs.filter((r) => kept.has(r.id)).map((r) => r.createdAt).sort()[0]);
    expect(after.oldestRunAt! > before.oldestRunAt!).toBe(true);
    await retention.stop();
  });

  it('tells its listener after a pass that removed runs, and not after one that removed none', async () => {
    seed(20, 30, 2);
    const told: number[] = [];
    const retention = new RunRetention({ store, policy: { keepLast: 3, keepDays: 7 }, now: () => NOW, onPruned: (result) => told.push(result.deleted) });
    const first = await retention.prune();
    expect(first.deleted).toBeGreaterThan(0);
    expect(told).toEqual([first.deleted]);
    expect((await retention.prune()).deleted).toBe(0);
    expect(told).toEqual([first.deleted]);
    await retention.stop();
  });
});
