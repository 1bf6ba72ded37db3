import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunbookRunRecord } from '../../../src/lib/runs/runbook-run-record.ts';
import { planSteps, stepStarted } from '../../../src/lib/runs/runbook-steps.ts';
import { SqliteRunbookRunStore } from '../../../src/lib/runs/sqlite-runbook-run-store.ts';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';

// A real SQLite file, opened again to prove what survives a restart.

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-runbook-store-'));
  file = path.join(dir, 'runbook-live.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function record(id: string, overrides: Partial<RunbookRunRecord> = {}): RunbookRunRecord {
  return {
    id,
    docId: 'RUN-app',
    docTitle: 'App',
    planHash: '0123456789abcdef',
    target: 'local',
    status: 'running',
    failureKind: null,
    message: null,
    variables: { IMAGE: 'demo:1' },
    actor: 'tester',
    trigger: 'manual',
    keepGoing: true,
    createdAt: '2026-12-01T12:00:00.000Z',
    startedAt: '2026-12-01T12:00:00.000Z',
    finishedAt: null,
    steps: planSteps([
      { id: 'RUN-app/build', name: 'build', line: 3, runnable: true, reason: null },
      { id: 'RUN-app/by-hand-1', name: 'By hand', line: 9, runnable: false, reason: 'ssh is not supported' },
      { id: 'RUN-app/smoke', name: 'smoke', line: 12, runnable: true, reason: null },
    ]),
    ...overrides,
  };
}

/** Opens the file the way the core does: the runs' store, and the runbook runs' table beside it. */
function open(): { runs: SqliteRunStore; store: SqliteRunbookRunStore } {
  const runs = new SqliteRunStore(file);
  return { runs, store: new SqliteRunbookRunStore(runs.database) };
}

describe('SqliteRunbookRunStore', () => {
  it('stores a runbook run with its steps and reads it back the same after reopening the file', () => {
    const first = open();
    const run = record('rb-1');
    first.store.insert(run);
    const steps = stepStarted(run.steps, 0, { id: 'run-a', status: 'running', startedAt: '2026-12-01T12:00:01.000Z' });
    expect(first.store.update('rb-1', { steps })).toEqual({ ...run, steps });
    first.runs.close();

    const again = open();
    try {
      expect(again.store.get('rb-1')).toEqual({ ...run, steps });
      expect(again.store.forStepRun('run-a')?.id).toBe('rb-1');
      expect(again.store.forStepRun('run-b')).toBeNull();
      expect(again.store.get('nope')).toBeNull();
    } finally {
      again.runs.close();
    }
  });

  it('lists newest first, narrowed by doc and target', () => {
    const { runs, store } = open();
    try {
      store.insert(record('rb-1', { createdAt: '2026-12-01T12:00:00.000Z' }));
      store.insert(record('rb-2', { createdAt: '2026-12-01T13:00:00.000Z', target: 'remote' }));
      store.insert(record('rb-3', { createdAt: '2026-12-01T14:00:00.000Z', docId: 'RUN-other' }));
      expect(store.list().map((r) => r.id)).toEqual(['rb-3', 'rb-2', 'rb-1']);
      expect(store.list({ docId: 'RUN-app' }).map((r) => r.id)).toEqual(['rb-2', 'rb-1']);
      expect(store.list({ docId: 'RUN-app', target: 'local', limit: 1 }).map((r) => r.id)).toEqual(['rb-1']);
    } finally {
      runs.close();
    }
  });

  it('interrupts what a killed server left going: the step in flight interrupted, the pending ones skipped', () => {
    const { runs, store } = open();
    try {
      const going = record('rb-1');
      store.insert({ ...going, steps: stepStarted(going.steps, 0, { id: 'run-a', status: 'running', startedAt: going.startedAt }) });
      store.insert(record('rb-2', { status: 'passed', finishedAt: '2026-12-01T12:01:00.000Z' }));
      expect(store.interruptUnfinished('2026-12-01T12:05:00.000Z', 'the server stopped').map((r) => r.id)).toEqual(['rb-1']);
      const after = store.get('rb-1')!;
      expect(after).toMatchObject({ status: 'interrupted', failureKind: 'interrupted', message: 'the server stopped', finishedAt: '2026-12-01T12:05:00.000Z' });
      expect(after.steps.map((s) => [s.status, s.reason])).toEqual([
        ['interrupted', 'the server stopped'],
        ['skipped', 'manual step: ssh is not supported'],
        ['skipped', 'skipped: the server stopped'],
      ]);
      expect(store.get('rb-2')!.status).toBe('passed');
    } finally {
      runs.close();
    }
  });
});
