import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';

let dir = "";
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = ""; });

function run(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id, blockId: 'RUN-x/build', docId: 'RUN-x', blockHash: '0123456789abcdef', blockSource: 'docker build .', target: 'local',
    status: 'queued', failureKind: null, message: null, variables: { IMAGE: 'x:1' }, actor: 'tester', trigger: 'manual',
    createdAt: '2026-11-26T10:00:00.000Z', startedAt: null, finishedAt: null, exitCode: null, imageId: null, imageDigest: null, docHash: null, docsCommit: null, result: null,
    logBytes: 0, logTruncated: false, ...overrides,
  };
}

describe('SqliteRunStore on a real file', () => {
  it('adds the pinning columns to a data folder written by an older version, whose runs read them as null', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-store-'));
    const file = path.join(dir, 'runs.sqlite');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, block_id TEXT NOT NULL, doc_id TEXT NOT NULL, block_hash TEXT NOT NULL, block_source TEXT NOT NULL,
      target TEXT NOT NULL, status TEXT NOT NULL, failure_kind TEXT, message TEXT, variables TEXT NOT NULL, actor TEXT NOT NULL, trigger TEXT NOT NULL,
      created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, exit_code INTEGER, image_id TEXT, result TEXT,
      log_bytes INTEGER NOT NULL DEFAULT 0, log_truncated INTEGER NOT NULL DEFAULT 0)`);
    old.prepare(`INSERT INTO runs (id, block_id, doc_id, block_hash, block_source, target, status, variables, actor, trigger, created_at)
      VALUES ('old', 'RUN-x/build', 'RUN-x', '0123456789abcdef', 'docker build .', 'local', 'passed', '{}', 'tester', 'manual', '2026-11-01T00:00:00.000Z')`).run();
    old.close();
    const store = new SqliteRunStore(file);
    expect(store.getRun('old')).toMatchObject({ id: 'old', status: 'passed', imageDigest: null, docHash: null, docsCommit: null });
    store.insertRun(run('new', { docHash: 'feedfeedfeedfeed', docsCommit: 'a'.repeat(40), imageDigest: 'runner@sha256:' + 'b'.repeat(64) }));
    store.close();
    const reopened = new SqliteRunStore(file);
    expect(reopened.getRun('new')).toMatchObject({ docHash: 'feedfeedfeedfeed', docsCommit: 'a'.repeat(40), imageDigest: 'runner@sha256:' + 'b'.repeat(64) });
    reopened.close();
  });

  it('keeps finished runs and their logs across a reopen', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-store-'));
    const file = path.join(dir, 'nested', 'runs.sqlite');
    const store = new SqliteRunStore(file);
    store.insertRun(run('a'));
    store.updateRun('a', { status: 'passed', finishedAt: '2026-11-26T10:00:05.000Z', exitCode: 0, result: { steps: [{ kind: 'run', image: 'x:1', exitCode: 0, durationMs: 5, oomKilled: false }] }, logTruncated: true });
    store.appendLogs([
      { runId: 'a', seq: 1, stream: 'stdout', text: 'one', at: 'x' },
      { runId: 'a', seq: 2, stream: 'stderr', text: 'two', at: 'y' },
    ]);
    store.close();

    const reopened = new SqliteRunStore(file);
    expect(reopened.getRun('a')).toMatchObject({ status: 'passed', exitCode: 0, variables: { IMAGE: 'x:1' }, result: { steps: [{ kind: 'run', image: 'x:1', exitCode: 0, durationMs: 5, oomKilled: false }] }, logTruncated: true });
    expect(reopened.getLogs('a').map((l) => `${l.seq}:${l.stream}:${l.text}`)).toEqual(['1:stdout:one', '2:stderr:two']);
    expect(reopened.getLogs('a', 1).map((l) => l.text)).toEqual(['two']);
    reopened.close();
  });

  it('marks unfinished runs interrupted and leaves finished ones alone', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-store-'));
    const store = new SqliteRunStore(path.join(dir, 'runs.sqlite'));
    store.insertRun(run('q'));
    store.insertRun(run('r', { status: 'running' }));
    store.insertRun(run('p', { status: 'passed' }));
    const interrupted = store.interruptUnfinished('2026-11-26T11:00:00.000Z', 'server stopped');
    expect(interrupted.map((r) => r.id).sort()).toEqual(['q', 'r']);
    expect(store.getRun('r')).toMatchObject({ status: 'interrupted', failureKind: 'interrupted', message: 'server stopped' });
    expect(store.getRun('p')?.status).toBe('passed');
    expect(store.listRuns({ statuses: ['interrupted'] })).toHaveLength(2);
    store.close();
  });

  it('writes a batch of log lines all or nothing', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-store-'));
    const store = new SqliteRunStore(path.join(dir, 'runs.sqlite'));
    store.insertRun(run('a'));
    store.appendLogs([{ runId: 'a', seq: 1, stream: 'stdout', text: 'kept', at: 'x' }]);
    expect(() =>
      store.appendLogs([
        { runId: 'a', seq: 2, stream: 'stdout', text: 'new', at: 'x' },
        { runId: 'a', seq: 1, stream: 'stdout', text: 'duplicate seq', at: 'x' },
      ]),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(store.getLogs('a').map((l) => l.text)).toEqual(['kept']);
    store.close();
  });
});
