import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { SqliteIncidentStore, incidentId } from '../../../src/lib/incidents/sqlite-incident-store.ts';
import type { Incident, IncidentEvent } from '../../../src/lib/incidents/incident-record.ts';

let dir: string;
let file: string;
let runs: SqliteRunStore;
let store: SqliteIncidentStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-incidents-'));
  file = path.join(dir, 'runbook-live.sqlite');
  runs = new SqliteRunStore(file);
  store = new SqliteIncidentStore(runs.database);
});

afterEach(() => {
  runs.close();
  rmSync(dir, { recursive: true, force: true });
});

function incident(overrides: Partial<Omit<Incident, 'id'>> = {}): Omit<Incident, 'id'> {
  return {
    blockId: 'RUN-demo/flaky',
    docId: 'RUN-demo',
    target: 'local',
    failureKind: 'exit_nonzero',
    assertion: null,
    status: 'open',
    section: { docId: 'RUN-demo', anchor: 'the-check-exits-non-zero', title: 'The check exits non-zero' },
    openedAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    resolvedAt: null,
    acknowledgedBy: null,
    failures: 1,
    lastRunId: 'run-1',
    message: 'the container exited with code 4',
    ...overrides,
  };
}

function event(overrides: Partial<Omit<IncidentEvent, 'incidentId' | 'seq'>> = {}): Omit<IncidentEvent, 'incidentId' | 'seq'> {
  return { at: '2026-11-26T10:00:00.000Z', type: 'opened', runId: 'run-1', actor: null, text: 'the container exited with code 4', excerpt: 'line 1\nline 2', ...overrides };
}

const key = (overrides: Partial<{ blockId: string; target: string; failureKind: string; assertion: string | null }> = {}) => ({
  blockId: 'RUN-demo/flaky',
  target: 'local',
  failureKind: 'exit_nonzero',
  assertion: null,
  ...overrides,
});

describe('SqliteIncidentStore', () => {
  it('opens an incident with its first event, and reads both back', () => {
    const opened = store.open(incident(), event());
    expect(opened).toEqual({ id: 'INC-1', ...incident() });
    expect(store.get('INC-1')).toEqual(opened);
    expect(store.events('INC-1')).toEqual([
      { incidentId: 'INC-1', seq: 1, at: '2026-11-26T10:00:00.000Z', type: 'opened', runId: 'run-1', actor: null, text: 'the container exited with code 4', excerpt: 'line 1\nline 2' },
    ]);
    expect(store.open(incident({ target: 'remote' }), event()).id).toBe('INC-2');
    expect(incidentId(7)).toBe('INC-7');
  });

  it('keeps an incident without a section (a docs gap) and without a message', () => {
    const opened = store.open(incident({ section: null, message: null }), event({ text: null, excerpt: null, runId: null }));
    expect(store.get(opened.id)).toMatchObject({ section: null, message: null });
    expect(store.events(opened.id)[0]).toMatchObject({ text: null, excerpt: null, runId: null });
  });

  it('returns null for unknown or malformed ids', () => {
    expect(store.get('INC-99')).toBeNull();
    expect(store.get('nonsense')).toBeNull();
    expect(store.events('INC-99')).toEqual([]);
  });

  it('finds the open incident by block, target, kind and assertion, but not a resolved one', () => {
    const plain = store.open(incident(), event());
    const violation = store.open(incident({ failureKind: 'contract_violation', assertion: 'result.json is written' }), event());
    expect(store.findOpen(key())?.id).toBe(plain.id);
    expect(store.findOpen(key({ failureKind: 'contract_violation', assertion: 'result.json is written' }))?.id).toBe(violation.id);
    expect(store.findOpen(key({ failureKind: 'contract_violation', assertion: 'another assertion' }))).toBeNull();
    expect(store.findOpen(key({ failureKind: 'contract_violation', assertion: null }))).toBeNull();
    expect(store.findOpen(key({ target: 'remote' }))).toBeNull();
    expect(store.findOpen(key({ failureKind: 'timeout' }))).toBeNull();

    store.record(plain.id, event({ type: 'acknowledged', at: '2026-11-26T10:05:00.000Z', actor: 'ada', runId: null }), { status: 'acknowledged', acknowledgedBy: 'ada' });
    expect(store.findOpen(key())?.id).toBe(plain.id);
    store.record(plain.id, event({ type: 'resolved', at: '2026-11-26T10:10:00.000Z' }), { status: 'resolved', resolvedAt: '2026-11-26T10:10:00.000Z' });
    expect(store.findOpen(key())).toBeNull();
  });

  it('records timeline events in order and patches the incident', () => {
    const opened = store.open(incident(), event());
    const again = store.record(opened.id, event({ type: 'failed-again', at: '2026-11-26T11:00:00.000Z', runId: 'run-2' }), { failures: 2, lastRunId: 'run-2' });
    expect(again).toMatchObject({ failures: 2, lastRunId: 'run-2', updatedAt: '2026-11-26T11:00:00.000Z', status: 'open', openedAt: '2026-11-26T10:00:00.000Z' });
    store.record(opened.id, event({ type: 'note', at: '2026-11-26T11:30:00.000Z', actor: 'bo', text: 'looking', runId: null, excerpt: null }), {});
    expect(store.get(opened.id)).toMatchObject({ updatedAt: '2026-11-26T11:30:00.000Z', failures: 2 });
    const resolved = store.record(opened.id, event({ type: 'auto-resolved', at: '2026-11-26T12:00:00.000Z', runId: 'run-3', excerpt: null }), {
      status: 'resolved',
      resolvedAt: '2026-11-26T12:00:00.000Z',
    });
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-26T12:00:00.000Z', acknowledgedBy: null });
    expect(store.events(opened.id).map((e) => `${e.seq}:${e.type}:${e.runId ?? '-'}:${e.actor ?? '-'}`)).toEqual([
      '1:opened:run-1:-',
      '2:failed-again:run-2:-',
      '3:note:-:bo',
      '4:auto-resolved:run-3:-',
    ]);
  });

  it('numbers events per incident', () => {
    const a = store.open(incident(), event());
    const b = store.open(incident({ target: 'remote' }), event());
    store.record(b.id, event({ type: 'note', at: '2026-11-26T10:01:00.000Z' }), {});
    store.record(a.id, event({ type: 'note', at: '2026-11-26T10:02:00.000Z' }), {});
    expect(store.events(a.id).map((e) => e.seq)).toEqual([1, 2]);
    expect(store.events(b.id).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('lists open and acknowledged incidents first, each group newest first, and filters', () => {
    const old = store.open(incident({ updatedAt: '2026-11-20T00:00:00.000Z', openedAt: '2026-11-20T00:00:00.000Z' }), event());
    const resolvedRecently = store.open(incident({ target: 'remote', updatedAt: '2026-11-21T00:00:00.000Z' }), event());
    store.record(resolvedRecently.id, event({ type: 'resolved', at: '2026-11-29T00:00:00.000Z' }), { status: 'resolved', resolvedAt: '2026-11-29T00:00:00.000Z' });
    const acknowledged = store.open(incident({ blockId: 'RUN-demo/other', updatedAt: '2026-11-22T00:00:00.000Z' }), event());
    store.record(acknowledged.id, event({ type: 'acknowledged', at: '2026-11-23T00:00:00.000Z' }), { status: 'acknowledged', acknowledgedBy: 'ada' });
    const resolvedLongAgo = store.open(incident({ blockId: 'RUN-demo/other', target: 'remote', updatedAt: '2026-11-01T00:00:00.000Z' }), event());
    store.record(resolvedLongAgo.id, event({ type: 'resolved', at: '2026-11-02T00:00:00.000Z' }), { status: 'resolved', resolvedAt: '2026-11-02T00:00:00.000Z' });
    const sameTimeNewer = store.open(incident({ blockId: 'RUN-x/c', section: { docId: 'RUN-x', anchor: 'a', title: 'A' }, updatedAt: '2026-11-20T00:00:00.000Z' }), event());

    expect(store.list().map((i) => i.id)).toEqual([acknowledged.id, sameTimeNewer.id, old.id, resolvedRecently.id, resolvedLongAgo.id]);
    expect(store.list({ openOnly: true }).map((i) => i.id)).toEqual([acknowledged.id, sameTimeNewer.id, old.id]);
    expect(store.list({ blockId: 'RUN-demo/other' }).map((i) => i.id)).toEqual([acknowledged.id, resolvedLongAgo.id]);
    expect(store.list({ target: 'remote' }).map((i) => i.id)).toEqual([resolvedRecently.id, resolvedLongAgo.id]);
    expect(store.list({ sectionDocId: 'RUN-x' }).map((i) => i.id)).toEqual([sameTimeNewer.id]);
    expect(store.list({ blockId: 'RUN-demo/flaky', target: 'local', openOnly: true }).map((i) => i.id)).toEqual([old.id]);
    expect(store.list({ limit: 2 }).map((i) => i.id)).toEqual([acknowledged.id, sameTimeNewer.id]);
  });

  it('counts open incidents per block, target and kind, leaving resolved ones out', () => {
    store.open(incident(), event());
    store.open(incident({ failureKind: 'contract_violation', assertion: 'a' }), event());
    store.open(incident({ failureKind: 'contract_violation', assertion: 'b' }), event());
    const gone = store.open(incident({ target: 'remote' }), event());
    store.record(gone.id, event({ type: 'resolved' }), { status: 'resolved', resolvedAt: '2026-11-26T10:00:00.000Z' });
    const sorted = store.openCounts().sort((a, b) => `${a.target}${a.failureKind}`.localeCompare(`${b.target}${b.failureKind}`));
    expect(sorted).toEqual([
      { blockId: 'RUN-demo/flaky', target: 'local', failureKind: 'contract_violation', count: 2 },
      { blockId: 'RUN-demo/flaky', target: 'local', failureKind: 'exit_nonzero', count: 1 },
    ]);
  });

  it('keeps incidents and timelines across a reopen of the file', () => {
    const opened = store.open(incident(), event());
    store.record(opened.id, event({ type: 'failed-again', at: '2026-11-26T11:00:00.000Z', runId: 'run-2' }), { failures: 2, lastRunId: 'run-2' });
    runs.close();

    runs = new SqliteRunStore(file);
    store = new SqliteIncidentStore(runs.database);
    expect(store.get(opened.id)).toMatchObject({ id: 'INC-1', failures: 2, lastRunId: 'run-2', status: 'open', section: { anchor: 'the-check-exits-non-zero' } });
    expect(store.events(opened.id).map((e) => e.type)).toEqual(['opened', 'failed-again']);
    expect(store.findOpen(key())?.id).toBe('INC-1');
    expect(store.open(incident({ target: 'remote' }), event()).id).toBe('INC-2');
  });

  it('opens nothing when the first event cannot be written: incident and event are one transaction', () => {
    const broken = event({ at: null as unknown as string });
    expect(() => store.open(incident(), broken)).toThrow(/NOT NULL/);
    expect(store.list()).toEqual([]);
    expect(store.findOpen(key())).toBeNull();
    expect(store.openCounts()).toEqual([]);
    expect(runs.database.prepare('SELECT COUNT(*) AS n FROM incident_events').get()).toEqual({ n: 0 });
    // The store is usable afterwards: no transaction was left open.
    expect(store.open(incident(), event()).id).toMatch(/^INC-\d+$/);
    expect(store.list()).toHaveLength(1);
  });

  it('leaves an incident unchanged when its event cannot be recorded', () => {
    const opened = store.open(incident(), event());
    expect(() => store.record(opened.id, event({ type: null as unknown as 'note' }), { status: 'resolved', failures: 9 })).toThrow(/NOT NULL/);
    expect(store.get(opened.id)).toEqual(opened);
    expect(store.events(opened.id)).toHaveLength(1);
    expect(() => store.record('INC-404', event({ type: 'note' }), {})).toThrow(/FOREIGN KEY/);
  });
});
