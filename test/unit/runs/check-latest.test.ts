// The check_latest table and the per-key statistics the paged dashboard reads, on a real SQLite file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { blockTargetStats, blockTargetStatsOf } from '../../../src/lib/runs/sqlite-run-stats.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import { runRecord } from '../dashboard/fixtures.ts';
import { prng } from '../../support/prng.ts';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const HOUR = 3_600_000;
let dir: string;
let file: string;
let store: SqliteRunStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-latest-'));
  file = path.join(dir, 'runbook-live.sqlite');
  store = new SqliteRunStore(file);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
function finished(id: string, msAgo: number, status: RunRecord['status'], overrides: Partial<RunRecord> = {}): RunRecord {
  return runRecord(id, { status, createdAt: ago(msAgo), startedAt: ago(msAgo - 1000), finishedAt: ago(msAgo - 1000 - 250), ...overrides });
}

describe('check_latest', () => {
  it('follows inserts, status updates and deletes of the newest run, whatever order runs arrive in', () => {
    store.insertRun(finished('new', 1 * HOUR, 'passed'));
    // An older run written later (an import) does not replace the newer one.
    store.insertRun(finished('old', 5 * HOUR, 'failed', { failureKind: 'exit_nonzero' }));
    store.insertRun(finished('other', 2 * HOUR, 'failed', { target: 'remote', failureKind: 'docker_unreachable' }));
    const ended = (msAgo: number) => ago(msAgo - 1000 - 250);
    expect([...store.latestByKey()]).toEqual([
      ['RUN-demo/probe@local', { runId: 'new', status: 'passed', failureKind: null, createdAt: ago(HOUR), finishedAt: ended(HOUR), lastFinished: { status: 'passed', finishedAt: ended(HOUR), durationMs: 250 } }],
      ['RUN-demo/probe@remote', { runId: 'other', status: 'failed', failureKind: 'docker_unreachable', createdAt: ago(2 * HOUR), finishedAt: ended(2 * HOUR), lastFinished: { status: 'failed', finishedAt: ended(2 * HOUR), durationMs: 250 } }],
    ]);
    store.insertRun(runRecord('queued', { status: 'queued', createdAt: ago(1000) }));
    expect(store.latestByKey().get('RUN-demo/probe@local')).toMatchObject({ runId: 'queued', status: 'queued' });
    store.updateRun('queued', { status: 'errored', failureKind: 'internal' });
    expect(store.latestByKey().get('RUN-demo/probe@local')).toMatchObject({ runId: 'queued', status: 'errored', failureKind: 'internal' });
    // Updating an older run leaves the newest alone.
    store.updateRun('old', { status: 'passed' });
    expect(store.latestByKey().get('RUN-demo/probe@local')!.runId).toBe('queued');
    // Deleting the newest falls back to the next newest; deleting the only run removes the key.
    store.database.exec(`DELETE FROM runs WHERE id IN ('queued', 'other')`);
    expect(store.latestByKey().get('RUN-demo/probe@local')).toMatchObject({ runId: 'new', status: 'passed', failureKind: null, createdAt: ago(HOUR) });
    expect(store.latestByKey().has('RUN-demo/probe@remote')).toBe(false);
  });

  it('is filled from the runs of a file written before the table existed', () => {
    store.insertRun(finished('a', 3 * HOUR, 'failed'));
    store.insertRun(finished('b', 2 * HOUR, 'passed'));
    store.insertRun(finished('c', 1 * HOUR, 'passed', { blockId: 'RUN-demo/contract' }));
    store.close();
    const raw = new DatabaseSync(file);
    raw.exec('DROP TABLE check_latest');
    raw.close();
    store = new SqliteRunStore(file);
    expect(new Map([...store.latestByKey()].map(([key, state]) => [key, state.runId]))).toEqual(
      new Map([
        ['RUN-demo/probe@local', 'b'],
        ['RUN-demo/contract@local', 'c'],
      ]),
    );
  });
});

describe('check_latest verdicts', () => {
  const verdict = () => store.latestByKey().get('RUN-demo/probe@local')!.lastFinished;

  it('keeps the newest verdict beside the newest run while runs queue, run, end otherwise, change or are deleted', () => {
    store.insertRun(finished('pass', 3 * HOUR, 'passed'));
    store.insertRun(finished('fail', 2 * HOUR, 'failed'));
    expect(verdict()).toEqual({ status: 'failed', finishedAt: ago(2 * HOUR - 1250), durationMs: 250 });
    // A run going, then cancelled: the newest run changes, the verdict stays.
    store.insertRun(runRecord('next', { status: 'queued', createdAt: ago(HOUR) }));
    store.updateRun('next', { status: 'running', startedAt: ago(HOUR - 1000) });
    expect(store.latestByKey().get('RUN-demo/probe@local')).toMatchObject({ runId: 'next', status: 'running', finishedAt: null, lastFinished: { status: 'failed' } });
    store.updateRun('next', { status: 'cancelled', finishedAt: ago(HOUR - 3000) });
    expect(store.latestByKey().get('RUN-demo/probe@local')).toMatchObject({ runId: 'next', status: 'cancelled', finishedAt: ago(HOUR - 3000), lastFinished: { status: 'failed' } });
    // The verdict run changes status: a newer verdict is taken, one that is no longer a verdict gives way to the next newest.
    store.updateRun('fail', { status: 'passed' });
    expect(verdict()).toMatchObject({ status: 'passed', finishedAt: ago(2 * HOUR - 1250) });
    store.updateRun('fail', { status: 'cancelled' });
    expect(verdict()).toEqual({ status: 'passed', finishedAt: ago(3 * HOUR - 1250), durationMs: 250 });
    // A prune that keeps only the newest run deletes the verdict under it: nothing is left to judge by.
    store.database.exec(`DELETE FROM runs WHERE id IN ('pass', 'fail')`);
    expect(store.latestByKey().get('RUN-demo/probe@local')).toMatchObject({ runId: 'next', lastFinished: null });
    // A finished run arriving whole (the CLI, an import) is both the newest run and the verdict.
    store.insertRun(finished('whole', HOUR / 2, 'errored'));
    expect(store.latestByKey().get('RUN-demo/probe@local')).toMatchObject({ runId: 'whole', lastFinished: { status: 'errored', durationMs: 250 } });
  });

  it('agrees with the per-key statistics after any mix of writes: the same last verdict and last duration', () => {
    const random = prng(11);
    const statuses: RunRecord['status'][] = ['passed', 'failed', 'errored', 'cancelled', 'interrupted'];
    const keys = ['local', 'remote'].flatMap((target) => ['RUN-demo/a', 'RUN-demo/b', 'RUN-demo/c'].map((blockId) => ({ blockId, target })));
    const ids: string[] = [];
    for (let i = 0; i < 400; i++) {
      const roll = random();
      const key = keys[Math.floor(random() * keys.length)]!;
      if (roll < 0.55 || ids.length === 0) {
        const id = `r${i}`;
        ids.push(id);
        const status = statuses[Math.floor(random() * statuses.length)]!;
        store.insertRun(random() < 0.2 ? runRecord(id, { ...key, status: 'queued', createdAt: ago(Math.floor(random() * 48 * HOUR) + 60_000) }) : finished(id, Math.floor(random() * 48 * HOUR) + 60_000, status, key));
      } else {
        const id = ids[Math.floor(random() * ids.length)]!;
        if (roll < 0.8) store.updateRun(id, { status: statuses[Math.floor(random() * statuses.length)]!, startedAt: ago(HOUR), finishedAt: ago(HOUR - 400) });
        else {
          store.database.prepare('DELETE FROM runs WHERE id = ?').run(id);
          ids.splice(ids.indexOf(id), 1);
        }
      }
    }
    const stats = blockTargetStatsOf(store.database, NOW, keys);
    const latest = store.latestByKey();
    for (const { blockId, target } of keys) {
      const key = `${blockId}@${target}`;
      const expected = stats.get(key);
      const state = latest.get(key);
      expect(state?.runId, key).toBe(expected?.latest?.id);
      expect(state?.finishedAt ?? null, key).toBe(expected?.latest?.finishedAt ?? null);
      expect(state?.lastFinished ? { status: state.lastFinished.status, finishedAt: state.lastFinished.finishedAt } : null, key).toEqual(expected?.lastFinished ?? null);
      expect(state?.lastFinished?.durationMs ?? null, key).toBe(expected?.durations.at(-1) ?? null);
    }
  });

  it('adds and fills the end time and verdict of a file written before they existed, and replaces its triggers', () => {
    store.insertRun(finished('a', 3 * HOUR, 'failed'));
    store.insertRun(runRecord('b', { status: 'cancelled', createdAt: ago(2 * HOUR), finishedAt: ago(2 * HOUR - 500) }));
    store.close();
    // The table and a trigger as the previous version wrote them.
    const raw = new DatabaseSync(file);
    raw.exec(`DROP TRIGGER check_latest_v2_on_insert; DROP TRIGGER check_latest_v2_on_update; DROP TRIGGER check_latest_v2_on_delete;
      CREATE TABLE old_latest AS SELECT block_id, target, run_id, status, failure_kind, created_at FROM check_latest;
      DROP TABLE check_latest;
      CREATE TABLE check_latest (block_id TEXT NOT NULL, target TEXT NOT NULL, run_id TEXT NOT NULL, status TEXT NOT NULL, failure_kind TEXT, created_at TEXT NOT NULL, PRIMARY KEY (block_id, target)) WITHOUT ROWID;
      INSERT INTO check_latest SELECT * FROM old_latest; DROP TABLE old_latest;
      CREATE TRIGGER check_latest_on_insert AFTER INSERT ON runs BEGIN SELECT 1; END;`);
    raw.close();
    store = new SqliteRunStore(file);
    expect(store.latestByKey().get('RUN-demo/probe@local')).toEqual({
      runId: 'b',
      status: 'cancelled',
      failureKind: null,
      createdAt: ago(2 * HOUR),
      finishedAt: ago(2 * HOUR - 500),
      lastFinished: { status: 'failed', finishedAt: ago(3 * HOUR - 1250), durationMs: 250 },
    });
    const triggers = (store.database.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'check_latest%on_insert'`).all() as Array<{ name: string }>).map((row) => row.name);
    expect(new Set(triggers)).toEqual(new Set(['check_latest_version_on_insert', 'check_latest_v2_on_insert']));
    store.insertRun(finished('c', HOUR, 'passed'));
    expect(store.latestByKey().get('RUN-demo/probe@local')).toMatchObject({ runId: 'c', lastFinished: { status: 'passed' } });
  });
});

describe('latestByKey', () => {
  it('is read once while check_latest is unchanged, and again after it changes here or through another connection', () => {
    store.insertRun(finished('a', 2 * HOUR, 'passed'));
    const first = store.latestByKey();
    expect(store.latestByKey()).toBe(first);
    store.insertRun(finished('b', HOUR, 'failed'));
    const second = store.latestByKey();
    expect(second).not.toBe(first);
    expect(second.get('RUN-demo/probe@local')!.runId).toBe('b');
    // Another process on the same file (the CLI): its commit shows at once.
    const other = new DatabaseSync(file);
    other.exec(`UPDATE runs SET status = 'passed' WHERE id = 'b'`);
    other.close();
    expect(store.latestByKey().get('RUN-demo/probe@local')!.status).toBe('passed');
    // Writes that leave check_latest alone (an older run changing, a prune) keep the map.
    const third = store.latestByKey();
    store.updateRun('a', { status: 'failed' });
    store.insertRun(finished('older', 5 * HOUR, 'passed'));
    expect(store.latestByKey()).toBe(third);
  });
});

describe('blockTargetStatsOf', () => {
  it('gives exactly what the whole-table statistics give, for the keys asked and no others', () => {
    const random = prng(7);
    const blocks = ['RUN-demo/a', 'RUN-demo/b', 'RUN-demo/c', 'RUN-demo/d'];
    let n = 0;
    for (const blockId of blocks) {
      for (const target of ['local', 'remote']) {
        for (let i = 0; i < 60; i++) {
          const roll = random();
          const status: RunRecord['status'] = roll < 0.6 ? 'passed' : roll < 0.8 ? 'failed' : roll < 0.9 ? 'errored' : 'cancelled';
          store.insertRun(finished(`r${n++}`, Math.floor(random() * 10 * 24 * HOUR) + 60_000, status, { blockId, target, blockHash: i % 20 === 0 ? 'changed' : 'same' }));
        }
      }
    }
    store.insertRun(runRecord('running', { blockId: 'RUN-demo/a', status: 'running', createdAt: ago(10), startedAt: ago(5) }));
    const all = blockTargetStats(store.database, NOW);
    const keys = [
      { blockId: 'RUN-demo/a', target: 'local' },
      { blockId: 'RUN-demo/c', target: 'remote' },
      { blockId: 'RUN-demo/none', target: 'local' },
    ];
    const some = blockTargetStatsOf(store.database, NOW, keys);
    expect([...some.keys()]).toEqual(['RUN-demo/a@local', 'RUN-demo/c@remote']);
    expect(some.get('RUN-demo/a@local')).toEqual(all.get('RUN-demo/a@local'));
    expect(some.get('RUN-demo/c@remote')).toEqual(all.get('RUN-demo/c@remote'));
    expect(some.get('RUN-demo/a@local')!.latest!.id).toBe('running');
  });

  it('reads through the indexes, one seek per key (EXPLAIN QUERY PLAN)', () => {
    const plan = (sql: string) => (store.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail).join(' | ');
    expect(plan(`SELECT COUNT(*) FROM runs INDEXED BY runs_key_status WHERE block_id = 'x' AND target = 'y' AND created_at >= '2026'`)).toMatch(/SEARCH runs USING COVERING INDEX runs_key_status \(block_id=\? AND target=\? AND created_at>\?\)/);
    expect(plan(`SELECT MAX(finished_at) FROM runs WHERE block_id = 'x' AND target = 'y' AND status = 'passed'`)).toMatch(/SEARCH runs USING COVERING INDEX runs_key_pass/);
    expect(plan('SELECT * FROM check_latest')).toMatch(/SCAN check_latest/);
  });
});
