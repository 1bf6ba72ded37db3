import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { filtersFrom, loadDashboard, pageFrom, type DashboardSources } from '../../../src/lib/dashboard/dashboard-data.ts';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { SqliteIncidentStore } from '../../../src/lib/incidents/sqlite-incident-store.ts';
import type { TargetHealthMonitor } from '../../../src/lib/systems/target-health.ts';
import type { Scheduler } from '../../../src/lib/schedules/scheduler.ts';
import type { ScheduleState } from '../../../src/lib/schedules/schedule-book.ts';
import { maintenanceEntrySchema, maintenanceWindowSchema } from '../../../src/lib/systems/maintenance-schema.ts';
import { MaintenanceWindows } from '../../../src/lib/systems/maintenance-windows.ts';
import { demoFixture, health, runRecord, type Fixture } from './fixtures.ts';

const NOW = new Date('2026-11-26T12:00:00.000Z');
let fixture: Fixture;
let dir: string;
let store: SqliteRunStore;
let incidents: SqliteIncidentStore;

beforeAll(async () => {
  fixture = await demoFixture();
});
afterAll(() => fixture?.cleanup());
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-dashboard-data-'));
  store = new SqliteRunStore(path.join(dir, 'runbook-live.sqlite'));
  incidents = new SqliteIncidentStore(store.database);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function sources(schedules = new Map<string, ScheduleState>()): DashboardSources {
  return {
    set: fixture.set,
    catalog: fixture.catalog,
    store,
    incidents,
    health: { snapshot: () => health() } as unknown as TargetHealthMonitor,
    scheduler: { snapshot: () => schedules } as unknown as Scheduler,
    defaultTargets: ['local'],
  };
}

function seed() {
  store.insertRun(runRecord('p', { status: 'passed', createdAt: '2026-11-26T11:00:00.000Z', startedAt: '2026-11-26T11:00:01.000Z', finishedAt: '2026-11-26T11:00:03.000Z' }));
  store.insertRun(
    runRecord('f', { target: 'remote', status: 'failed', failureKind: 'exit_nonzero', message: 'code 4', createdAt: '2026-11-26T11:10:00.000Z', startedAt: '2026-11-26T11:10:01.000Z', finishedAt: '2026-11-26T11:10:02.000Z' }),
  );
  store.insertRun(runRecord('r', { blockId: 'RUN-demo/contract', status: 'running', createdAt: '2026-11-26T11:59:00.000Z', startedAt: '2026-11-26T11:59:01.000Z' }));
  const base = {
    blockId: 'RUN-demo/probe', docId: 'RUN-demo', target: 'remote', failureKind: 'exit_nonzero' as const, assertion: null, status: 'open' as const, section: null,
    openedAt: '2026-11-26T11:10:02.000Z', updatedAt: '2026-11-26T11:10:02.000Z', resolvedAt: null, acknowledgedBy: null, failures: 1, lastRunId: 'f', message: 'code 4',
  };
  const event = { at: '2026-11-26T11:10:02.000Z', type: 'opened' as const, runId: 'f', actor: null, text: null, excerpt: null };
  incidents.open(base, event);
  incidents.open({ ...base, failureKind: 'timeout' }, event);
  const resolved = incidents.open({ ...base, target: 'local' }, event);
  incidents.record(resolved.id, { ...event, type: 'auto-resolved' }, { status: 'resolved', resolvedAt: event.at });
}

describe('loadDashboard', () => {
  it('builds every row from the runs and incidents in SQLite, with counts over all rows', () => {
    seed();
    const dashboard = loadDashboard(sources(), {}, NOW);
    expect(dashboard.generatedAt).toBe(NOW.toISOString());
    const byKey = Object.fromEntries(dashboard.rows.map((r) => [r.key, r]));
    expect(byKey['RUN-demo/probe@local']).toMatchObject({ status: 'passing', lastDurationMs: 2000, passRate24h: 1, openIncidents: 0 });
    // Open incidents of every failure kind add up; the resolved one does not count.
    expect(byKey['RUN-demo/probe@remote']).toMatchObject({ status: 'failing', reason: 'code 4', openIncidents: 2, passRate24h: 0 });
    expect(byKey['RUN-demo/contract@local']).toMatchObject({ status: 'running' });
    expect(dashboard.counts).toEqual({ failing: 1, unreachable: 0, running: 1, queued: 0, maintenance: 0, passing: 1, 'never run': 2, cancelled: 0, 'not runnable': 2 });
    expect(dashboard.options).toEqual({
      docs: ['REF-loose', 'RUN-demo'],
      systems: ['demo'],
      targets: ['local', 'remote'],
      statuses: ['failing', 'unreachable', 'running', 'queued', 'maintenance', 'passing', 'never run', 'cancelled', 'not runnable'],
    });
    expect(dashboard.targets.map((t) => t.name)).toEqual(['local', 'remote']);
  });

  it('narrows the rows by doc, system, target and status, but counts and options stay over all rows', () => {
    seed();
    const keys = (filters: Parameters<typeof loadDashboard>[1]) => loadDashboard(sources(), filters, NOW).rows.map((r) => r.key);
    expect(keys({ status: 'failing' })).toEqual(['RUN-demo/probe@remote']);
    expect(keys({ status: 'never run' }).sort()).toEqual(['REF-loose/loose@local', 'RUN-demo/contract@remote']);
    expect(keys({ doc: 'REF-loose' })).toEqual(['REF-loose/loose@local']);
    expect(keys({ system: 'demo', target: 'remote' })).toEqual(['RUN-demo/probe@remote', 'RUN-demo/elsewhere@remote', 'RUN-demo/contract@remote']);
    expect(keys({ status: 'no such status' })).toEqual([]);
    const filtered = loadDashboard(sources(), { status: 'failing' }, NOW);
    expect(filtered.counts.passing).toBe(1);
    expect(filtered.options.docs).toEqual(['REF-loose', 'RUN-demo']);
  });

  it("adds each scheduled row's next run and skips", () => {
    const schedules = new Map<string, ScheduleState>([
      ['RUN-demo/probe@local', { key: 'RUN-demo/probe@local', blockId: 'RUN-demo/probe', target: 'local', everySeconds: 300, nextAt: '2026-11-26T12:05:00.000Z', skipped: 2, lastRunId: null }],
    ]);
    const rows = loadDashboard(sources(schedules), {}, NOW).rows;
    expect(rows.find((r) => r.key === 'RUN-demo/probe@local')).toMatchObject({ nextRunAt: '2026-11-26T12:05:00.000Z', skippedWhileRunning: 2, schedule: { label: 'every 5m' } });
    expect(rows.find((r) => r.key === 'RUN-demo/probe@remote')).toMatchObject({ nextRunAt: null, skippedWhileRunning: 0 });
  });

  it('shows checks in a maintenance window as "maintenance" with its end and reason, a running one still as running', () => {
    seed();
    // The remote target is being upgraded around NOW, and the contract check is being reworked everywhere.
    const maintenance = MaintenanceWindows.fromConfig(
      { remote: { maintenance: [maintenanceWindowSchema.parse({ from: '2026-11-26T11:00:00Z', to: '2026-11-26T13:00:00Z', reason: 'engine upgrade' })] } },
      [maintenanceEntrySchema.parse({ checks: ['RUN-demo/contract'], from: '2026-11-26T11:30:00Z', to: '2026-11-26T12:30:00Z' })],
    );
    const dashboard = loadDashboard({ ...sources(), maintenance }, {}, NOW);
    const byKey = Object.fromEntries(dashboard.rows.map((r) => [r.key, r]));
    // The failing one, its last verdict kept for the metrics; its open incidents still count.
    expect(byKey['RUN-demo/probe@remote']).toMatchObject({
      status: 'maintenance',
      reason: 'in maintenance until 2026-11-26T13:00:00.000Z: engine upgrade',
      maintenance: { reason: 'engine upgrade', from: '2026-11-26T11:00:00.000Z', until: '2026-11-26T13:00:00.000Z', source: 'targets.remote.maintenance.0' },
      lastFinished: { status: 'failed' },
      openIncidents: 2,
    });
    expect(byKey['RUN-demo/contract@remote']).toMatchObject({ status: 'maintenance', maintenance: { reason: 'engine upgrade' } });
    expect(byKey['RUN-demo/contract@local']).toMatchObject({ status: 'running', maintenance: { reason: null, source: 'maintenance.0' } });
    expect(byKey['RUN-demo/probe@local']).toMatchObject({ status: 'passing', maintenance: null });
    // A manual step cannot run, window or not.
    expect(byKey['RUN-demo/elsewhere@remote']).toMatchObject({ status: 'not runnable', maintenance: { reason: 'engine upgrade' } });
    expect(dashboard.counts).toMatchObject({ maintenance: 2, failing: 0, running: 1 });
    expect(loadDashboard({ ...sources(), maintenance }, { status: 'maintenance' }, NOW).rows.map((r) => r.key)).toEqual(['RUN-demo/probe@remote', 'RUN-demo/contract@remote']);
    // Once the windows are over, the same rows say what their runs say.
    expect(loadDashboard({ ...sources(), maintenance }, {}, new Date('2026-11-26T13:00:00Z')).rows.find((r) => r.key === 'RUN-demo/probe@remote')).toMatchObject({ status: 'failing', maintenance: null });
  });

  it('works without a scheduler', () => {
    expect(loadDashboard({ ...sources(), scheduler: null }, {}, NOW).rows.every((r) => r.nextRunAt === null)).toBe(true);
  });
});

describe('loadDashboard paging and sorting', () => {
  it('builds only the requested page, with the total over the filter and counts over all rows', () => {
    seed();
    const all = loadDashboard(sources(), {}, NOW);
    expect(all).toMatchObject({ total: 7, offset: 0, limit: null, sort: 'doc' });
    const page = loadDashboard(sources(), { offset: 2, limit: 3 }, NOW);
    expect(page.rows.map((r) => r.key)).toEqual(all.rows.slice(2, 5).map((r) => r.key));
    expect(page).toMatchObject({ total: 7, offset: 2, limit: 3, counts: all.counts });
    // A page row is the same row the whole dashboard has.
    expect(page.rows[0]).toEqual(all.rows[2]);
    expect(loadDashboard(sources(), { offset: 50, limit: 3 }, NOW)).toMatchObject({ rows: [], total: 7 });
    expect(loadDashboard(sources(), { target: 'remote', limit: 1 }, NOW)).toMatchObject({ total: 3, rows: [{ key: 'RUN-demo/probe@remote' }] });
  });

  it('sorts by status (failing first), name, target and newest run, the docs order breaking ties', () => {
    seed();
    const keys = (sort: 'status' | 'name' | 'target' | 'last-run') => loadDashboard(sources(), { sort }, NOW).rows.map((r) => r.key);
    const statuses = loadDashboard(sources(), { sort: 'status' }, NOW).rows.map((r) => r.status);
    expect(statuses.slice(0, 3)).toEqual(['failing', 'running', 'passing']);
    expect(statuses.slice(-2)).toEqual(['not runnable', 'not runnable']);
    expect(keys('last-run').slice(0, 3)).toEqual(['RUN-demo/contract@local', 'RUN-demo/probe@remote', 'RUN-demo/probe@local']);
    const byTarget = loadDashboard(sources(), { sort: 'target' }, NOW).rows.map((r) => r.target);
    expect(byTarget).toEqual([...byTarget].sort());
    const names = loadDashboard(sources(), { sort: 'name' }, NOW).rows.map((r) => r.name);
    expect(names).toEqual(names.toSorted((a, b) => a.localeCompare(b)));
  });

  it('finds one check by block id or name, for badges', () => {
    seed();
    expect(loadDashboard(sources(), { check: 'RUN-demo/probe' }, NOW).rows.map((r) => r.key)).toEqual(['RUN-demo/probe@local', 'RUN-demo/probe@remote']);
  });
});

describe('pageFrom', () => {
  it('reads sort, offset and limit with defaults', () => {
    expect(pageFrom(new URL('http://x/api/checks'))).toEqual({ ok: true, page: { sort: undefined, offset: 0, limit: 100 } });
    expect(pageFrom(new URL('http://x/api/checks?sort=status&offset=400&limit=50'))).toEqual({ ok: true, page: { sort: 'status', offset: 400, limit: 50 } });
  });

  it('names the parameter, its value and what it may be when it cannot be used', () => {
    expect(pageFrom(new URL('http://x/api/checks?limit=0'))).toEqual({
      ok: false,
      message: expect.stringMatching(/^query parameter limit="0" cannot be used: .+\. Expected sort one of doc, status, name, target, last-run, offset a whole number from 0, limit a whole number from 1 to 10000\.$/),
    });
    expect(pageFrom(new URL('http://x/api/checks?sort=colour'))).toMatchObject({ ok: false, message: expect.stringContaining('query parameter sort="colour" cannot be used') });
    expect(pageFrom(new URL('http://x/api/checks?offset=-1'))).toMatchObject({ ok: false, message: expect.stringContaining('offset="-1"') });
  });
});

describe('filtersFrom', () => {
  it('reads the four filters from a query, treating empty values as absent', () => {
    expect(filtersFrom(new URL('http://x/dashboard?doc=RUN-demo&system=&target=local&status=never+run&other=1'))).toEqual({ doc: 'RUN-demo', system: undefined, target: 'local', status: 'never run' });
    expect(filtersFrom(new URL('http://x/dashboard'))).toEqual({ doc: undefined, system: undefined, target: undefined, status: undefined });
  });
});
