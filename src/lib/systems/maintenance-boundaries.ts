import type { MaintenanceWindows } from './maintenance-windows.ts';

/** The longest delay setTimeout takes (about 24.8 days); a later boundary is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How the boundary timer reads the clock and sets its timers; the real ones unless a test passes others. */
export interface BoundaryClock {
  now(): Date;
  setTimer(callback: () => void, ms: number): { unref?(): unknown };
  clearTimer(timer: { unref?(): unknown }): void;
}

const REAL_CLOCK: BoundaryClock = {
  now: () => new Date(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/**
 * Calls `onBoundary` each time a maintenance window starts or ends, so what shows a check's
 * state (cached badges, the dashboard's viewers) can change at that moment, with no run to
 * announce it. One timer at a time, unref'd so it never keeps the process alive; the returned
 * function stops it.
 */
export function followMaintenanceBoundaries(windows: MaintenanceWindows, onBoundary: () => void, clock: BoundaryClock = REAL_CLOCK): () => void {
  let timer: { unref?(): unknown } | null = null;
  let stopped = false;
  const arm = (previous: Date | null) => {
    if (stopped) return;
    const now = clock.now();
    const next = windows.nextBoundary(now);
    timer = next ? clock.setTimer(() => arm(next), Math.min(Math.max(next.getTime() - now.getTime(), 0), MAX_TIMER_MS)) : null;
    timer?.unref?.();
    // The boundary aimed at has passed (a long wait is reached in steps, and a step short of
    // it just waits again): announce it, after the next timer is set, so a listener that
    // throws cannot stop the following ones.
    if (previous && previous.getTime() <= now.getTime()) onBoundary();
  };
  arm(null);
  return () => {
    stopped = true;
    if (timer) clock.clearTimer(timer);
    timer = null;
  };
}
