import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RunbookScheduler, runbookEvery } from '../../../src/lib/schedules/runbook-scheduler.ts';
import type { RunbookRunRecord } from '../../../src/lib/runs/runbook-run-record.ts';
import type { StartRunbookRequest } from '../../../src/lib/runs/start-runbook-request.ts';
import type { RunbookRunQuery } from '../../../src/lib/runs/sqlite-runbook-run-store.ts';
import { loadSystemsConfig } from '../../../src/lib/systems/load-systems-config.ts';
import { fence, makeDocsWorld, type DocsWorld } from '../../support/fakes/docs-world.ts';
import { doc } from '../../support/temp-docs.ts';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const STEPS = [fence('bash { name=probe }', 'docker image inspect python:3.13-slim'), fence('bash', 'ssh prod uptime')].join('\n');

/** RunbookRunService's `start` and `list` in memory; a start joins when its key is marked active. */
class FakeRunbooks {
  readonly requests: StartRunbookRequest[] = [];
  readonly stored: RunbookRunRecord[] = [];
  readonly active = new Set<string>();
  private readonly clock: () => number;
  constructor(clock: () => number) {
    this.clock = clock;
  }

  readonly start = (request: StartRunbookRequest): { run: RunbookRunRecord; joined: boolean } => {
    this.requests.push(request);
    const record = { id: `rb-${this.stored.length + 1}`, docId: request.doc.id, target: request.target, createdAt: iso(this.clock()), status: 'running', trigger: request.trigger } as RunbookRunRecord;
    if (this.active.has(`${request.doc.id}@${request.target}`)) return { run: { ...record, id: 'still-going' }, joined: true };
    this.stored.push(record);
    return { run: record, joined: false };
  };

  readonly list = (query: RunbookRunQuery = {}): RunbookRunRecord[] =>
    this.stored.filter((r) => (!query.docId || r.docId === query.docId) && (!query.target || r.target === query.target)).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, query.limit ?? Infinity);
}

let world: DocsWorld;
let clock: number;
let runbooks: FakeRunbooks;

const meta = { type: 'runbook', status: 'active', owners: 'qa', created: '2026-12-01', system: 'demo' };
beforeAll(async () => {
  world = await makeDocsWorld();
  world.docs.write('runbooks/runbook-timed.md', doc({ ...meta, id: 'RUN-timed', title: 'Timed', every: '5m' }, STEPS));
  world.docs.write('runbooks/runbook-plain.md', doc({ ...meta, id: 'RUN-plain', title: 'Plain' }, STEPS));
  world.docs.write('runbooks/runbook-manual.md', doc({ ...meta, id: 'RUN-manual', title: 'Manual', every: '5m' }, fence('bash', 'ssh prod uptime')));
  await world.reload();
});
afterAll(() => world.cleanup());
beforeEach(() => {
  clock = T0;
  runbooks = new FakeRunbooks(() => clock);
});

function scheduler(systemsRunbooks: Record<string, { every: string }> = {}): RunbookScheduler {
  // random 0.5 pins the jitter: a first run waits half the 30 s start-up window (15 s), later ones exactly one interval.
  return new RunbookScheduler({ docs: world.docsSource, catalog: world.catalog, runbooks, systems: { runbooks: systemsRunbooks }, defaultTargets: ['local'], startupWindowSeconds: 30, random: () => 0.5, now: () => clock });
}

describe('runbookEvery', () => {
  const fm = (every: unknown) => ({ id: 'RUN-x', frontmatter: every === undefined ? {} : { every } });
  it('reads every: from frontmatter as a duration, and a number as seconds', () => {
    expect(runbookEvery(fm('6h'), {})).toEqual({ seconds: 21_600, label: 'every 6h', source: 'frontmatter' });
    expect(runbookEvery(fm(90), {})).toEqual({ seconds: 90, label: 'every 90', source: 'frontmatter' });
  });
  it('lets the systems configuration win over the doc', () => {
    expect(runbookEvery(fm('6h'), { runbooks: { 'RUN-x': { every: '15m' } } })).toEqual({ seconds: 900, label: 'every 15m', source: 'systems' });
  });
  it('schedules nothing without a value, or with one that is not a duration', () => {
    expect(runbookEvery(fm(undefined), {})).toBeNull();
    expect(runbookEvery(fm('daily'), {})).toBeNull();
    expect(runbookEvery(fm('0s'), {})).toBeNull();
  });
});

describe('RunbookScheduler', () => {
  it('runs a runbook with every: within the start-up window, on each of its targets, then again each interval', async () => {
    const s = scheduler();
    expect(await s.tick()).toEqual([]);
    // Targets come from the system: demo runs on local and remote.
    expect([...s.snapshot().keys()]).toEqual(['RUN-timed@local', 'RUN-timed@remote']);
    expect(s.snapshot().get('RUN-timed@local')!.nextAt).toBe(iso(T0 + 15_000));
    clock = T0 + 15_000;
    expect(await s.tick()).toEqual(['rb-1', 'rb-2']);
    expect(runbooks.requests.map((r) => [r.doc.id, r.target, r.trigger, r.actor, r.steps.map((step) => step.request !== null)])).toEqual([
      ['RUN-timed', 'local', 'schedule', 'scheduler', [true, false]],
      ['RUN-timed', 'remote', 'schedule', 'scheduler', [true, false]],
    ]);
    expect(await s.tick()).toEqual([]);
    clock += 5 * MIN;
    expect(await s.tick()).toEqual(['rb-3', 'rb-4']);
  });

  it('skips and counts a due runbook whose previous run is still going', async () => {
    const s = scheduler();
    await s.tick();
    runbooks.active.add('RUN-timed@local');
    clock = T0 + 15_000;
    expect(await s.tick()).toEqual(['rb-1']);
    expect(s.snapshot().get('RUN-timed@local')!.skipped).toBe(1);
  });

  it('runs within the window after start even when a runbook ran recently, and a changed interval counts from its last run', async () => {
    runbooks.stored.push({ id: 'earlier', docId: 'RUN-timed', target: 'local', createdAt: iso(T0 - MIN), status: 'passed', trigger: 'schedule' } as RunbookRunRecord);
    const configured: Record<string, { every: string }> = {};
    const s = scheduler(configured);
    await s.tick();
    expect(s.snapshot().get('RUN-timed@local')).toMatchObject({ lastRunId: 'earlier', nextAt: iso(T0 + 15_000) });
    clock = T0 + 15_000;
    expect(await s.tick()).toEqual(['rb-2', 'rb-3']);
    // The operator moves it to 1h: the next run is 1h after rb-2, not another start-up slot.
    configured['RUN-timed'] = { every: '1h' };
    clock = T0 + 20_000;
    expect(await s.tick()).toEqual([]);
    expect(s.snapshot().get('RUN-timed@local')).toMatchObject({ everySeconds: 3600, lastRunId: 'rb-2', nextAt: iso(T0 + 15_000 + 60 * MIN) });
  });

  it('schedules a runbook from the systems configuration alone, never one that only has manual steps', async () => {
    const s = scheduler({ 'RUN-plain': { every: '2m' } });
    await s.tick();
    expect([...s.snapshot().keys()].sort()).toEqual(['RUN-plain@local', 'RUN-plain@remote', 'RUN-timed@local', 'RUN-timed@remote']);
    clock = T0 + 15_000;
    expect(await s.tick()).toEqual(['rb-1', 'rb-2', 'rb-3', 'rb-4']);
    expect(runbooks.requests.map((r) => r.doc.id).sort()).toEqual(['RUN-plain', 'RUN-plain', 'RUN-timed', 'RUN-timed']);
    // From then on each on its own interval: 2m for the configured one, 5m for the doc's own.
    clock += 2 * MIN;
    expect(await s.tick()).toEqual(['rb-5', 'rb-6']);
    expect(runbooks.requests.slice(4).map((r) => r.doc.id)).toEqual(['RUN-plain', 'RUN-plain']);
  });
});

describe('runbooks: in the systems configuration', () => {
  it('accepts durations and names the field of one that is not', () => {
    const ok = path.join(world.systemDir, 'systems-ok.yaml');
    writeFileSync(ok, `systems:\n  demo:\n    dir: ${world.systemDir}\nrunbooks:\n  RUN-timed: { every: 6h }\n`);
    expect(loadSystemsConfig(ok).runbooks).toEqual({ 'RUN-timed': { every: '6h' } });
    const bad = path.join(world.systemDir, 'systems-bad.yaml');
    writeFileSync(bad, `runbooks:\n  RUN-timed: { every: daily }\n`);
    expect(() => loadSystemsConfig(bad)).toThrow(/runbooks\.RUN-timed\.every: must be a duration: 90 \(seconds\), 90s, 15m or 6h/);
  });
});
