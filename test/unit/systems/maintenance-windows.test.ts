import { describe, expect, it } from 'vitest';
import { followMaintenanceBoundaries, type BoundaryClock } from '../../../src/lib/systems/maintenance-boundaries.ts';
import { maintenanceEntrySchema, maintenanceWindowSchema, parseWindowDuration } from '../../../src/lib/systems/maintenance-schema.ts';
import { MaintenanceWindows } from '../../../src/lib/systems/maintenance-windows.ts';

// The window logic on fixed clocks: which check is in which window at an instant, when the
// next window starts or ends, and across daylight saving time in a named zone.

const CHECK = { target: 'local', blockId: 'RUN-demo/probe', docId: 'RUN-demo' };

function windows(targets: Record<string, unknown[]>, entries: unknown[] = []): MaintenanceWindows {
  return MaintenanceWindows.fromConfig(
    Object.fromEntries(Object.entries(targets).map(([name, list]) => [name, { maintenance: list.map((w) => maintenanceWindowSchema.parse(w)) }])),
    entries.map((e) => maintenanceEntrySchema.parse(e)),
  );
}

const at = (iso: string) => new Date(iso);

describe('one-off windows', () => {
  // 06:00+02:00 is 04:00Z: the offset a time is written in counts.
  const upgrade = windows({ local: [{ from: '2026-06-01T02:00:00Z', to: '2026-06-01T06:00:00+02:00', reason: 'engine upgrade' }] });

  it('cover from (inclusive) to to (exclusive), for every check on their target only', () => {
    expect(upgrade.activeWindow(at('2026-06-01T01:59:59.999Z'), CHECK)).toBeNull();
    expect(upgrade.activeWindow(at('2026-06-01T02:00:00Z'), CHECK)).toEqual({
      reason: 'engine upgrade',
      from: '2026-06-01T02:00:00.000Z',
      until: '2026-06-01T04:00:00.000Z',
      source: 'targets.local.maintenance.0',
    });
    expect(upgrade.activeWindow(at('2026-06-01T03:59:59.999Z'), CHECK)).toMatchObject({ reason: 'engine upgrade' });
    expect(upgrade.activeWindow(at('2026-06-01T04:00:00Z'), CHECK)).toBeNull();
    expect(upgrade.activeWindow(at('2026-06-01T03:00:00Z'), { ...CHECK, target: 'remote' })).toBeNull();
    expect(windows({ local: [{ from: '2026-06-01T02:00:00Z', to: '2026-06-01T03:00:00Z' }] }).activeWindow(at('2026-06-01T02:30:00Z'), CHECK)).toMatchObject({ reason: null });
  });

  it('give the next boundary strictly after the instant, then none', () => {
    const real = windows({ local: [{ from: '2026-06-01T01:00:00Z', to: '2026-06-01T02:00:00Z' }] });
    expect(real.nextBoundary(at('2026-05-31T00:00:00Z'))).toEqual(at('2026-06-01T01:00:00Z'));
    expect(real.nextBoundary(at('2026-06-01T01:00:00Z'))).toEqual(at('2026-06-01T02:00:00Z'));
    expect(real.nextBoundary(at('2026-06-01T02:00:00Z'))).toBeNull();
  });
});

describe('windows for named checks', () => {
  const entries = windows({}, [
    { checks: ['RUN-demo/probe'], from: '2026-06-01T00:00:00Z', to: '2026-06-01T06:00:00Z', reason: 'probe rework' },
    { checks: ['RUN-other'], targets: ['remote'], from: '2026-06-01T00:00:00Z', to: '2026-06-01T06:00:00Z' },
  ]);
  const noon = at('2026-06-01T03:00:00Z');

  it('match a block id on every target, or every check of a doc id on the named targets', () => {
    expect(entries.activeWindow(noon, CHECK)).toMatchObject({ reason: 'probe rework', source: 'maintenance.0' });
    expect(entries.activeWindow(noon, { ...CHECK, target: 'remote' })).toMatchObject({ source: 'maintenance.0' });
    expect(entries.activeWindow(noon, { ...CHECK, blockId: 'RUN-demo/contract' })).toBeNull();
    expect(entries.activeWindow(noon, { target: 'remote', blockId: 'RUN-other/a', docId: 'RUN-other' })).toMatchObject({ source: 'maintenance.1' });
    expect(entries.activeWindow(noon, { target: 'local', blockId: 'RUN-other/a', docId: 'RUN-other' })).toBeNull();
  });

  it('answer with the overlapping window that ends last', () => {
    const both = windows({ local: [{ from: '2026-06-01T00:00:00Z', to: '2026-06-01T04:00:00Z', reason: 'short' }] }, [
      { checks: ['RUN-demo'], from: '2026-06-01T01:00:00Z', to: '2026-06-01T08:00:00Z', reason: 'long' },
    ]);
    expect(both.activeWindow(at('2026-06-01T02:00:00Z'), CHECK)).toMatchObject({ reason: 'long', until: '2026-06-01T08:00:00.000Z' });
    expect(both.activeWindow(at('2026-06-01T00:30:00Z'), CHECK)).toMatchObject({ reason: 'short' });
  });

  it('has nothing to say when none are declared', () => {
    expect(MaintenanceWindows.none().activeWindow(noon, CHECK)).toBeNull();
    expect(MaintenanceWindows.none().nextBoundary(noon)).toBeNull();
    expect(MaintenanceWindows.none().size).toBe(0);
  });
});

describe('recurring windows', () => {
  // Sundays at 03:00 in Stockholm, for two hours. Summer time starts on 2026-03-29 and ends on
  // 2026-10-25: 03:00 local is 02:00Z in winter and 01:00Z in summer.
  const weekly = windows({ local: [{ cron: '0 3 * * 0', duration: '2h', timezone: 'Europe/Stockholm', reason: 'weekly patching' }] });

  it('start at the cron time in the named zone and last the duration, on both sides of the spring change', () => {
    expect(weekly.activeWindow(at('2026-03-22T02:00:00Z'), CHECK)).toEqual({ reason: 'weekly patching', from: '2026-03-22T02:00:00.000Z', until: '2026-03-22T04:00:00.000Z', source: 'targets.local.maintenance.0' });
    expect(weekly.activeWindow(at('2026-03-22T01:59:59Z'), CHECK)).toBeNull();
    expect(weekly.activeWindow(at('2026-03-22T04:00:00Z'), CHECK)).toBeNull();
    expect(weekly.activeWindow(at('2026-03-29T01:00:00Z'), CHECK)).toMatchObject({ from: '2026-03-29T01:00:00.000Z', until: '2026-03-29T03:00:00.000Z' });
    expect(weekly.activeWindow(at('2026-03-29T00:59:00Z'), CHECK)).toBeNull();
    expect(weekly.activeWindow(at('2026-03-30T02:00:00Z'), CHECK)).toBeNull();
  });

  it('follow the autumn change back to winter time', () => {
    expect(weekly.activeWindow(at('2026-10-18T01:30:00Z'), CHECK)).toMatchObject({ from: '2026-10-18T01:00:00.000Z' });
    expect(weekly.activeWindow(at('2026-10-25T01:30:00Z'), CHECK)).toBeNull();
    expect(weekly.activeWindow(at('2026-10-25T02:30:00Z'), CHECK)).toMatchObject({ from: '2026-10-25T02:00:00.000Z', until: '2026-10-25T04:00:00.000Z' });
  });

  it('give their starts and ends as boundaries, in order', () => {
    const boundaries: string[] = [];
    let cursor = at('2026-03-21T00:00:00Z');
    for (let i = 0; i < 4; i += 1) {
      cursor = weekly.nextBoundary(cursor)!;
      boundaries.push(cursor.toISOString());
    }
    expect(boundaries).toEqual(['2026-03-22T02:00:00.000Z', '2026-03-22T04:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z']);
  });

  it('stay on while occurrences overlap, ending with the last one', () => {
    // Hourly for 90 minutes: always on once started, each start pushing the end on.
    const hourly = windows({ local: [{ cron: '0 * * * *', duration: '1h30m', timezone: 'UTC' }] });
    expect(hourly.activeWindow(at('2026-06-01T10:45:00Z'), CHECK)).toMatchObject({ from: '2026-06-01T10:00:00.000Z', until: '2026-06-01T11:30:00.000Z' });
    expect(hourly.nextBoundary(at('2026-06-01T10:45:00Z'))).toEqual(at('2026-06-01T11:00:00Z'));
  });
});

describe('window durations', () => {
  it('read days, hours, minutes and seconds, largest first', () => {
    expect(parseWindowDuration('2h')).toBe(7_200_000);
    expect(parseWindowDuration('1h30m')).toBe(5_400_000);
    expect(parseWindowDuration('1d')).toBe(86_400_000);
    expect(parseWindowDuration('45s')).toBe(45_000);
    for (const bad of ['', '0h', '2 hours', '30m1h', 'h']) expect(parseWindowDuration(bad), bad).toBeNull();
  });
});

describe('followMaintenanceBoundaries', () => {
  /** A clock the test moves by hand, firing the one pending timer when its time comes. */
  function manualClock(start: string) {
    let now = Date.parse(start);
    let pending: { due: number; callback: () => void } | null = null;
    const unrefs: number[] = [];
    const clock: BoundaryClock = {
      now: () => new Date(now),
      setTimer: (callback, ms) => {
        pending = { due: now + ms, callback };
        return { unref: () => unrefs.push(ms) };
      },
      clearTimer: () => (pending = null),
    };
    return {
      clock,
      unrefs,
      get pendingDue() {
        return pending ? new Date(pending.due).toISOString() : null;
      },
      /** Moves to the pending timer's time and fires it. */
      fire() {
        const timer = pending!;
        pending = null;
        now = timer.due;
        timer.callback();
      },
    };
  }

  it('announces each start and end once, with unref\'d timers, and stops when asked', () => {
    const manual = manualClock('2026-06-01T00:00:00Z');
    const seen: string[] = [];
    const two = windows({ local: [{ from: '2026-06-01T01:00:00Z', to: '2026-06-01T02:00:00Z' }, { from: '2026-06-01T03:00:00Z', to: '2026-06-01T04:00:00Z' }] });
    const stop = followMaintenanceBoundaries(two, () => seen.push(manual.clock.now().toISOString()), manual.clock);
    expect(manual.pendingDue).toBe('2026-06-01T01:00:00.000Z');
    manual.fire();
    manual.fire();
    manual.fire();
    expect(seen).toEqual(['2026-06-01T01:00:00.000Z', '2026-06-01T02:00:00.000Z', '2026-06-01T03:00:00.000Z']);
    expect(manual.unrefs).toHaveLength(4);
    stop();
    expect(manual.pendingDue).toBeNull();
  });

  it('reaches a boundary further off than one timer can wait in steps, announcing only the boundary', () => {
    const manual = manualClock('2026-01-01T00:00:00Z');
    const seen: string[] = [];
    const far = windows({ local: [{ from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z' }] });
    followMaintenanceBoundaries(far, () => seen.push(manual.clock.now().toISOString()), manual.clock);
    let steps = 0;
    while (seen.length === 0) {
      manual.fire();
      steps += 1;
    }
    expect(seen).toEqual(['2026-06-01T00:00:00.000Z']);
    expect(steps).toBe(7);
  });

  it('sets no timer when no window ever starts or ends again', () => {
    const manual = manualClock('2027-01-01T00:00:00Z');
    followMaintenanceBoundaries(windows({ local: [{ from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z' }] }), () => {}, manual.clock);
    expect(manual.pendingDue).toBeNull();
  });
});
