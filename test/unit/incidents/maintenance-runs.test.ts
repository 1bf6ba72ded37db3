import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DocsRepository } from '../../../src/lib/docs/docs-repository.ts';
import { IncidentService } from '../../../src/lib/incidents/incident-service.ts';
import { SqliteIncidentStore } from '../../../src/lib/incidents/sqlite-incident-store.ts';
import { SqliteMaintenanceRuns } from '../../../src/lib/incidents/sqlite-maintenance-runs.ts';
import type { IncidentNotification, IncidentNotifier } from '../../../src/lib/incidents/webhook-notifier.ts';
import { RunEvents } from '../../../src/lib/runs/run-events.ts';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { maintenanceWindowSchema } from '../../../src/lib/systems/maintenance-schema.ts';
import { MaintenanceWindows } from '../../../src/lib/systems/maintenance-windows.ts';
import { runRecord } from '../dashboard/fixtures.ts';

// Incident bookkeeping around a maintenance window, on a real SQLite file: a failure that ends
// in the window is marked and opens nothing, the same failure outside it opens an incident and
// notifies, a pass in the window still resolves. The window is fixed in 2026, so the runs'
// finish times, not the wall clock, decide.

const WINDOW = { from: '2026-06-01T02:00:00Z', to: '2026-06-01T04:00:00Z', reason: 'engine upgrade' };

let dir: string;
let store: SqliteRunStore;
let incidents: SqliteIncidentStore;
let maintenance: SqliteMaintenanceRuns;
let service: IncidentService;
let sent: IncidentNotification[];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-maintenance-runs-'));
  store = new SqliteRunStore(path.join(dir, 'runbook-live.sqlite'));
  incidents = new SqliteIncidentStore(store.database);
  const windows = MaintenanceWindows.fromConfig({ local: { maintenance: [maintenanceWindowSchema.parse(WINDOW)] } }, []);
  maintenance = new SqliteMaintenanceRuns(store.database, windows);
  sent = [];
  // Our own notifier interface: what would have gone to the webhook.
  const notifier: IncidentNotifier = { notify: async (notification) => void sent.push(notification) };
  const docs = { current: async () => ({ byId: new Map(), docs: [] }) } as unknown as DocsRepository;
  service = new IncidentService({ incidents, runs: store, events: new RunEvents(), docs, notifier, baseUrl: null, maintenance });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A finished run of the probe on `target`, stored and handed to the incident service. */
async function finish(id: string, finishedAt: string, status: 'passed' | 'failed', target = 'local') {
  const run = runRecord(id, { target, status, failureKind: status === 'failed' ? 'exit_nonzero' : null, message: status === 'failed' ? 'code 3' : null, createdAt: finishedAt, startedAt: finishedAt, finishedAt });
  store.insertRun(run);
  await service.handle(run);
  return run;
}

describe('incidents around a maintenance window', () => {
  it('a failure inside the window opens no incident, notifies no one, and is marked with its window', async () => {
    await finish('in-window', '2026-06-01T03:00:00.000Z', 'failed');
    expect(incidents.list({})).toEqual([]);
    expect(sent).toEqual([]);
    expect(service.maintenanceOf('in-window')).toEqual({ reason: 'engine upgrade', from: '2026-06-01T02:00:00.000Z', until: '2026-06-01T04:00:00.000Z', source: 'targets.local.maintenance.0' });
  });

  it('the same failure outside the window, or on another target, opens an incident and notifies', async () => {
    await finish('after', '2026-06-01T04:00:00.000Z', 'failed');
    await finish('elsewhere', '2026-06-01T03:00:00.000Z', 'failed', 'remote');
    expect(incidents.list({}).map((i) => [i.target, i.lastRunId, i.status])).toEqual(
      expect.arrayContaining([
        ['local', 'after', 'open'],
        ['remote', 'elsewhere', 'open'],
      ]),
    );
    expect(sent.map((n) => [n.event, n.incident.lastRunId])).toEqual([
      ['incident.opened', 'after'],
      ['incident.opened', 'elsewhere'],
    ]);
    expect(service.maintenanceOf('after')).toBeNull();
    expect(service.maintenanceOf('elsewhere')).toBeNull();
  });

  it('a pass inside the window still resolves an incident opened before it, and says so', async () => {
    await finish('before', '2026-06-01T01:00:00.000Z', 'failed');
    const [open] = incidents.list({ openOnly: true });
    expect(open).toMatchObject({ lastRunId: 'before' });
    // Another failure in the window does not count against it either.
    await finish('again-in-window', '2026-06-01T02:30:00.000Z', 'failed');
    expect(incidents.get(open!.id)).toMatchObject({ failures: 1, lastRunId: 'before' });
    await finish('pass-in-window', '2026-06-01T03:00:00.000Z', 'passed');
    expect(incidents.get(open!.id)).toMatchObject({ status: 'resolved' });
    expect(sent.map((n) => n.event)).toEqual(['incident.opened', 'incident.resolved']);
    expect(service.maintenanceOf('pass-in-window')).toMatchObject({ reason: 'engine upgrade' });
  });

  it('the mark goes with its run when retention deletes the run', async () => {
    await finish('old', '2026-06-01T03:00:00.000Z', 'failed');
    await finish('new', '2026-06-01T03:30:00.000Z', 'failed');
    expect(maintenance.of('old')).not.toBeNull();
    const pruned = await store.pruneRuns({ policy: { keepLast: 1, keepDays: 0 }, now: new Date('2026-12-01T00:00:00Z') });
    expect(pruned.deleted).toBe(1);
    expect(maintenance.of('old')).toBeNull();
    expect(maintenance.of('new')).not.toBeNull();
    const left = store.database.prepare('SELECT run_id FROM maintenance_runs').all() as Array<{ run_id: string }>;
    expect(left.map((row) => row.run_id)).toEqual(['new']);
  });
});
