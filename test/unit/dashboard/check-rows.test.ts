import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCheckRows, type CheckRowInputs } from '../../../src/lib/dashboard/check-rows.ts';
import { checkBlocks } from '../../../src/lib/procedures/check-blocks.ts';
import { sparklinePath } from '../../../src/lib/dashboard/sparkline.ts';
import type { BlockTargetStats } from '../../../src/lib/runs/sqlite-run-stats.ts';
import type { TargetHealth } from '../../../src/lib/systems/target-health.ts';
import { demoFixture, health, latest, stats, type Fixture } from './fixtures.ts';

let fixture: Fixture;
beforeAll(async () => {
  fixture = await demoFixture();
});
afterAll(() => fixture?.cleanup());

function rows(overrides: { stats?: Record<string, BlockTargetStats>; health?: TargetHealth[]; openIncidents?: Record<string, number> } = {}) {
  const inputs: CheckRowInputs = {
    set: fixture.set,
    catalog: fixture.catalog,
    stats: new Map(Object.entries(overrides.stats ?? {})),
    health: overrides.health ?? health(),
    openIncidents: new Map(Object.entries(overrides.openIncidents ?? {})),
    defaultTargets: ['local'],
  };
  return buildCheckRows(inputs);
}
const row = (all: ReturnType<typeof rows>, key: string) => {
  const found = all.find((r) => r.key === key);
  if (!found) throw new Error(`no row ${key}; rows: ${all.map((r) => r.key).join(', ')}`);
  return found;
};

describe('checkBlocks and the rows they make', () => {
  it('has one row per check block and target: checks and procedures marked check, not plain procedures', () => {
    expect(checkBlocks(fixture.set, fixture.catalog, ['local']).map(({ block, target }) => `${block.id}@${target}`).sort()).toEqual([
      'REF-loose/loose@local',
      'RUN-demo/contract@local',
      'RUN-demo/contract@remote',
      'RUN-demo/elsewhere@local',
      'RUN-demo/elsewhere@remote',
      'RUN-demo/probe@local',
      'RUN-demo/probe@remote',
    ]);
    // Within a doc, blocks keep their order and each block lists its targets in order.
    const demo = rows().filter((r) => r.docId === 'RUN-demo').map((r) => r.key);
    expect(demo).toEqual(['RUN-demo/probe@local', 'RUN-demo/probe@remote', 'RUN-demo/elsewhere@local', 'RUN-demo/elsewhere@remote', 'RUN-demo/contract@local', 'RUN-demo/contract@remote']);
  });

  it('describes each row: names, doc, system, kind, schedule and hash', () => {
    const all = rows();
    expect(row(all, 'RUN-demo/probe@local')).toMatchObject({
      blockId: 'RUN-demo/probe',
      name: 'probe',
      docId: 'RUN-demo',
      docTitle: 'Demo',
      system: 'demo',
      target: 'local',
      kind: 'procedure',
      schedule: { everySeconds: 300, label: 'every 5m' },
      openIncidents: 0,
    });
    expect(row(all, 'RUN-demo/probe@local').hash).toMatch(/^[0-9a-f]{16}$/);
    expect(row(all, 'RUN-demo/contract@remote')).toMatchObject({ kind: 'check', schedule: null, system: 'demo' });
    expect(row(all, 'REF-loose/loose@local')).toMatchObject({ system: null, docTitle: 'Loose', name: 'loose' });
  });

  it('shows "never run" with empty statistics when a runnable check has no runs', () => {
    expect(row(rows(), 'RUN-demo/probe@local')).toMatchObject({
      status: 'never run',
      reason: null,
      lastRun: null,
      lastDurationMs: null,
      passRate24h: null,
      passRate7d: null,
      durations: [],
      sparkline: '',
    });
    expect(row(rows(), 'RUN-demo/contract@remote')).toMatchObject({ status: 'never run', reason: null });
  });

  it('shows "not runnable" with the reason for a manual step, whatever its runs say', () => {
    const all = rows({ stats: { 'RUN-demo/elsewhere@local': stats({ latest: latest('failed') }) }, health: health({ local: { reachable: false, error: 'down' } }) });
    const manual = row(all, 'RUN-demo/elsewhere@local');
    expect(manual.status).toBe('not runnable');
    expect(manual.reason).toContain('ssh');
    expect(row(all, 'RUN-demo/elsewhere@remote').status).toBe('not runnable');
  });

  it('shows passing and failing from the latest finished run, with its message as the reason', () => {
    const all = rows({
      stats: {
        'RUN-demo/probe@local': stats({ latest: latest('passed') }),
        'RUN-demo/probe@remote': stats({ latest: latest('failed', { failureKind: 'exit_nonzero', message: 'the container exited with code 4' }) }),
        'RUN-demo/contract@local': stats({ latest: latest('errored', { failureKind: 'internal', message: 'boom' }) }),
        'RUN-demo/contract@remote': stats({ latest: latest('failed', { failureKind: 'contract_violation', message: '1 of 1 assertion failed' }) }),
      },
    });
    expect(row(all, 'RUN-demo/probe@local')).toMatchObject({ status: 'passing', reason: null });
    expect(row(all, 'RUN-demo/probe@remote')).toMatchObject({ status: 'failing', reason: 'the container exited with code 4' });
    expect(row(all, 'RUN-demo/contract@local')).toMatchObject({ status: 'failing', reason: 'boom' });
    expect(row(all, 'RUN-demo/contract@remote')).toMatchObject({ status: 'failing', reason: '1 of 1 assertion failed' });
  });

  it('shows running and queued from the latest run, even on a target that looks unreachable', () => {
    const all = rows({
      stats: { 'RUN-demo/probe@local': stats({ latest: latest('running') }), 'RUN-demo/probe@remote': stats({ latest: latest('queued') }) },
      health: health({ local: { reachable: false, error: 'x' }, remote: { reachable: false, error: 'y' } }),
    });
    expect(row(all, 'RUN-demo/probe@local')).toMatchObject({ status: 'running', reason: null });
    expect(row(all, 'RUN-demo/probe@remote')).toMatchObject({ status: 'queued', reason: null });
  });

  it('shows "unreachable" for every runnable check on a target whose probe failed, with the probe error', () => {
    const error = 'connect ETIMEDOUT 10.255.255.1:2376';
    const all = rows({
      stats: { 'RUN-demo/probe@remote': stats({ latest: latest('passed') }), 'RUN-demo/contract@remote': stats({ latest: latest('failed', { message: 'x' }) }) },
      health: health({ remote: { reachable: false, error } }),
    });
    expect(row(all, 'RUN-demo/probe@remote')).toMatchObject({ status: 'unreachable', reason: error });
    expect(row(all, 'RUN-demo/contract@remote')).toMatchObject({ status: 'unreachable', reason: error });
    expect(row(all, 'RUN-demo/probe@local').status).toBe('never run');
  });

  it('shows "unreachable" when the latest run could not reach its engine, even before a probe says so', () => {
    const message = 'Cannot reach the Docker engine at tcp://10.255.255.1:2376';
    for (const reachable of [true, null]) {
      const all = rows({
        stats: { 'RUN-demo/probe@remote': stats({ latest: latest('failed', { failureKind: 'docker_unreachable', message }) }) },
        health: health({ remote: { reachable } }),
      });
      expect(row(all, 'RUN-demo/probe@remote')).toMatchObject({ status: 'unreachable', reason: message });
    }
  });

  it('shows "cancelled" and "never run" for the remaining cases', () => {
    const all = rows({ stats: { 'RUN-demo/probe@local': stats({ latest: latest('cancelled', { message: 'cancelled by ada' }) }) }, health: health({ remote: { reachable: null } }) });
    expect(row(all, 'RUN-demo/probe@local')).toMatchObject({ status: 'cancelled', reason: 'cancelled by ada' });
    // A target not probed yet is not unreachable.
    expect(row(all, 'RUN-demo/probe@remote').status).toBe('never run');
    // A target the health list does not know (never probed) is not unreachable either.
    expect(row(rows({ health: [] }), 'REF-loose/loose@local').status).toBe('never run');
  });

  it('fills rates, durations, the last duration, the sparkline and open incidents from the statistics', () => {
    const durations = [1200, 800, 2000];
    const all = rows({
      stats: { 'RUN-demo/probe@local': stats({ latest: latest('passed'), passed24h: 1, finished24h: 3, passed7d: 5, finished7d: 8, durations }) },
      openIncidents: { 'RUN-demo/probe@local': 2 },
    });
    expect(row(all, 'RUN-demo/probe@local')).toMatchObject({
      passRate24h: 1 / 3,
      passRate7d: 5 / 8,
      durations,
      lastDurationMs: 2000,
      sparkline: sparklinePath(durations),
      openIncidents: 2,
      lastRun: { id: 'run-passed', status: 'passed' },
    });
    expect(row(all, 'RUN-demo/probe@remote').openIncidents).toBe(0);
  });

  it('leaves a pass rate empty when nothing finished in its window', () => {
    const all = rows({ stats: { 'RUN-demo/probe@local': stats({ latest: latest('failed'), passed24h: 0, finished24h: 0, passed7d: 0, finished7d: 2, durations: [5] }) } });
    expect(row(all, 'RUN-demo/probe@local')).toMatchObject({ passRate24h: null, passRate7d: 0 });
  });
});
