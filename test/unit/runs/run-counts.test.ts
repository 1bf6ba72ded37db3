// The finished-run counts behind /metrics' runbook_live_check_runs_total, on a real SQLite file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import { runRecord } from '../dashboard/fixtures.ts';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const HOUR = 3_600_000;
let dir: string;
let file: string;
let store: SqliteRunStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-counts-'));
  file = path.join(dir, 'runbook-live.sqlite');
  store = new SqliteRunStore(file);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const finished = (id: string, hoursAgo: number, status: RunRecord['status'], overrides: Partial<RunRecord> = {}) =>
  runRecord(id, { status, createdAt: ago(hoursAgo * HOUR), startedAt: ago(hoursAgo * HOUR - 1000), finishedAt: ago(hoursAgo * HOUR - 1250), ...overrides });
const counts = () => store.countByBlockTargetStatus().map((c) => `${c.blockId}@${c.target} ${c.status} ${c.count}`);

describe('finished-run counts', () => {
  it('count a run once when it finishes, whether it was written finished or queued first', () => {
    store.insertRun(finished('a', 5, 'passed'));
    store.insertRun(finished('b', 4, 'failed', { failureKind: 'exit_nonzero' }));
    store.insertRun(finished('c', 3, 'passed', { target: 'remote' }));
    store.insertRun(runRecord('q', { status: 'queued', createdAt: ago(HOUR) }));
    expect(counts()).toEqual(['RUN-demo/probe@local failed 1', 'RUN-demo/probe@local passed 1', 'RUN-demo/probe@remote passed 1']);
    store.updateRun('q', { status: 'running', startedAt: ago(HOUR - 1000) });
    expect(counts()).toHaveLength(3);
    store.updateRun('q', { status: 'passed', finishedAt: ago(HOUR - 2000) });
    expect(counts()).toContain('RUN-demo/probe@local passed 2');
    // A finished run whose status is rewritten (a hand edit) moves from one count to the other.
    store.updateRun('b', { status: 'errored' });
    expect(counts()).toEqual(['RUN-demo/probe@local errored 1', 'RUN-demo/probe@local passed 2', 'RUN-demo/probe@remote passed 1']);
  });

  it('do not drop when retention prunes the runs they counted: the metric is a counter', async () => {
    for (let i = 0; i < 20; i++) store.insertRun(finished(`r${i}`, 100 + i, i % 4 === 0 ? 'failed' : 'passed'));
    const before = counts();
    const result = await store.pruneRuns({ policy: { keepLast: 1, keepDays: 0 }, now: NOW });
    expect(result.deleted).toBe(19);
    expect(counts()).toEqual(before);
    expect(before).toEqual(['RUN-demo/probe@local failed 5', 'RUN-demo/probe@local passed 15']);
  });

  it('are filled once from the runs of a file written before the table existed', () => {
    for (let i = 0; i < 6; i++) store.insertRun(finished(`r${i}`, 10 + i, i < 2 ? 'failed' : 'passed', { target: i % 2 ? 'remote' : 'local' }));
    store.close();
    // The file as an older runbook-live left it: no counts table, no record of a fill.
    const old = new DatabaseSync(file);
    old.exec('DROP TRIGGER check_run_counts_on_insert; DROP TRIGGER check_run_counts_on_finish; DROP TRIGGER check_run_counts_on_restatus; DROP TABLE check_run_counts; DROP TABLE runs_counted;');
    old.close();
    store = new SqliteRunStore(file);
    expect(counts()).toEqual(['RUN-demo/probe@local failed 1', 'RUN-demo/probe@local passed 2', 'RUN-demo/probe@remote failed 1', 'RUN-demo/probe@remote passed 2']);
    // Opened again: counted already, not counted twice.
    store.close();
    store = new SqliteRunStore(file);
    expect(counts()).toHaveLength(4);
    expect(counts()).toContain('RUN-demo/probe@local passed 2');
  });
});
