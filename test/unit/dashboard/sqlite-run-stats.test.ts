import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { blockTargetStats, statsKey } from '../../../src/lib/runs/sqlite-run-stats.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import { runRecord } from './fixtures.ts';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let dir: string;
let file: string;
let store: SqliteRunStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-stats-'));
  file = path.join(dir, 'runbook-live.sqlite');
  store = new SqliteRunStore(file);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (msBeforeNow: number) => new Date(NOW.getTime() - msBeforeNow).toISOString();

/** A run created `ago` ms before NOW that took `durationMs` (started 1 s after it was queued). */
function finished(id: string, ago: number, status: RunRecord['status'], durationMs: number, overrides: Partial<RunRecord> = {}): RunRecord {
  const created = NOW.getTime() - ago;
  return runRecord(id, {
    status,
    createdAt: new Date(created).toISOString(),
    startedAt: new Date(created + 1000).toISOString(),
    finishedAt: new Date(created + 1000 + durationMs).toISOString(),
    ...overrides,
  });
}

describe('blockTargetStats on a real SQLite file', () => {
  it('is empty without runs', () => {
    expect(blockTargetStats(store.database, NOW)).toEqual(new Map());
  });

  it('gives the latest run per block and target, pass rates over 24 h and 7 d, durations and the last pass', () => {
    const runs = [
      finished('a-old-pass', 10 * DAY, 'passed', 900),
      finished('a-failed', 3 * DAY, 'failed', 2000, { failureKind: 'exit_nonzero', message: 'the container exited with code 4' }),
      finished('a-passed-2d', 2 * DAY, 'passed', 1500),
      finished('a-passed-2h', 2 * HOUR, 'passed', 1000),
      finished('a-errored', 1 * HOUR, 'errored', 3000, { failureKind: 'internal' }),
      finished('a-cancelled', 10 * 60_000, 'cancelled', 400, { failureKind: 'cancelled' }),
      runRecord('a-running', { status: 'running', createdAt: at(60_000), startedAt: at(59_000), trigger: 'schedule' }),
      runRecord('remote-queued', { target: 'remote', status: 'queued', createdAt: at(30_000) }),
      finished('b-failed', 5 * HOUR, 'failed', 700, { blockId: 'RUN-demo/other', failureKind: 'timeout', message: 'killed after 20 s' }),
    ];
    // Inserted out of order: the query must not depend on insertion order.
    for (const run of [...runs].reverse()) store.insertRun(run);

    const all = blockTargetStats(store.database, NOW);
    expect([...all.keys()].sort()).toEqual(['RUN-demo/other@local', 'RUN-demo/probe@local', 'RUN-demo/probe@remote']);

    expect(all.get(statsKey('RUN-demo/probe', 'local'))).toEqual({
      latest: { id: 'a-running', status: 'running', failureKind: null, message: null, trigger: 'schedule', createdAt: at(60_000), finishedAt: null, durationMs: null },
      lastPassAt: new Date(NOW.getTime() - 2 * HOUR + 1000 + 1000).toISOString(),
      passed24h: 1,
      finished24h: 2,
      passed7d: 2,
      finished7d: 4,
      // Finished runs (passed, failed, errored) only, oldest first; cancelled ones are left out.
      durations: [900, 2000, 1500, 1000, 3000],
      hashes: Array(5).fill('0123456789abcdef'),
      // The newest finished verdict stays known while the next run is going.
      lastFinished: { status: 'errored', finishedAt: new Date(NOW.getTime() - HOUR + 1000 + 3000).toISOString() },
    });
    expect(all.get('RUN-demo/probe@remote')).toEqual({
      latest: { id: 'remote-queued', status: 'queued', failureKind: null, message: null, trigger: 'manual', createdAt: at(30_000), finishedAt: null, durationMs: null },
      lastPassAt: null,
      passed24h: 0,
      finished24h: 0,
      passed7d: 0,
      finished7d: 0,
      durations: [],
      hashes: [],
      lastFinished: null,
    });
    expect(all.get('RUN-demo/other@local')).toMatchObject({
      latest: { id: 'b-failed', status: 'failed', failureKind: 'timeout', message: 'killed after 20 s', durationMs: 700, finishedAt: at(5 * HOUR - 1700) },
      lastPassAt: null,
      passed24h: 0,
      finished24h: 1,
      durations: [700],
    });
  });

  it('measures the latest finished run from start to finish', () => {
    store.insertRun(finished('x', HOUR, 'failed', 12_345, { failureKind: 'exit_nonzero', message: 'code 4' }));
    expect(blockTargetStats(store.database, NOW).get('RUN-demo/probe@local')!.latest).toEqual({
      id: 'x',
      status: 'failed',
      failureKind: 'exit_nonzero',
      message: 'code 4',
      trigger: 'manual',
      createdAt: at(HOUR),
      finishedAt: at(HOUR - 1000 - 12_345),
      durationMs: 12_345,
    });
  });

  it('counts a run created exactly 24 h or 7 d ago inside the window, and a moment earlier outside', () => {
    store.insertRun(finished('day-edge', DAY, 'passed', 100));
    store.insertRun(finished('day-out', DAY + 1, 'failed', 100));
    store.insertRun(finished('week-edge', 7 * DAY, 'passed', 100));
    store.insertRun(finished('week-out', 7 * DAY + 1, 'failed', 100));
    expect(blockTargetStats(store.database, NOW).get('RUN-demo/probe@local')).toMatchObject({ passed24h: 1, finished24h: 1, passed7d: 2, finished7d: 3 });
  });

  it('leaves unfinished, cancelled and interrupted runs out of the pass rates', () => {
    store.insertRun(finished('p', HOUR, 'passed', 100));
    store.insertRun(finished('c', 50 * 60_000, 'cancelled', 100));
    store.insertRun(finished('i', 40 * 60_000, 'interrupted', 100));
    store.insertRun(runRecord('q', { status: 'queued', createdAt: at(1000) }));
    expect(blockTargetStats(store.database, NOW).get('RUN-demo/probe@local')).toMatchObject({ passed24h: 1, finished24h: 1, passed7d: 1, finished7d: 1, durations: [100] });
  });

  it('keeps only the most recent durations, oldest first (20 by default, or as asked)', () => {
    for (let i = 0; i < 25; i += 1) store.insertRun(finished(`r${i}`, (25 - i) * HOUR, i % 3 === 0 ? 'failed' : 'passed', 1000 + i));
    const stats = blockTargetStats(store.database, NOW).get('RUN-demo/probe@local')!;
    expect(stats.durations).toEqual(Array.from({ length: 20 }, (_, k) => 1005 + k));
    expect(stats.latest?.id).toBe('r24');
    expect(blockTargetStats(store.database, NOW, 3).get('RUN-demo/probe@local')!.durations).toEqual([1022, 1023, 1024]);
  });

  it('gives the block hash of each of those runs, so the sparkline can mark where the definition changed', () => {
    store.insertRun(finished('h1', 3 * HOUR, 'passed', 1000, { blockHash: 'aaaaaaaaaaaaaaaa' }));
    store.insertRun(finished('h2', 2 * HOUR, 'passed', 1100, { blockHash: 'aaaaaaaaaaaaaaaa' }));
    store.insertRun(finished('h3', 1 * HOUR, 'failed', 1200, { blockHash: 'bbbbbbbbbbbbbbbb' }));
    const stats = blockTargetStats(store.database, NOW).get('RUN-demo/probe@local')!;
    expect(stats.durations).toEqual([1000, 1100, 1200]);
    expect(stats.hashes).toEqual(['aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
  });

  it('takes the newest finish of a passing run as the last pass, even when an older run finished later', () => {
    store.insertRun(finished('slow', 3 * HOUR, 'passed', 2 * HOUR));
    store.insertRun(finished('quick', 2 * HOUR, 'passed', 1000));
    store.insertRun(finished('then-failed', HOUR, 'failed', 1000));
    expect(blockTargetStats(store.database, NOW).get('RUN-demo/probe@local')!.lastPassAt).toBe(at(3 * HOUR - 1000 - 2 * HOUR));
  });

  it('reads runs written before a reopen of the file', () => {
    store.insertRun(finished('kept', HOUR, 'passed', 250));
    store.close();
    store = new SqliteRunStore(file);
    expect(blockTargetStats(store.database, NOW).get('RUN-demo/probe@local')).toMatchObject({ latest: { id: 'kept' }, durations: [250], passed24h: 1 });
  });

  it('keys blocks and targets as block@target', () => {
    expect(statsKey('RUN-demo/probe', 'local')).toBe('RUN-demo/probe@local');
  });
});
