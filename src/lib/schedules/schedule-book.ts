import { scheduleJitter, startupDelay } from './schedule-jitter.ts';

/** What a scheduler knows about one schedule (a check, or a whole runbook) on one target. */
export interface ScheduleState {
  key: string;
  /** The check's block id, or the runbook's doc id. */
  blockId: string;
  target: string;
  everySeconds: number;
  nextAt: string;
  /** Times it came due while the previous run was still going. */
  skipped: number;
  lastRunId: string | null;
}

/** A schedule as the docs declare it on this pass, and how to find its newest stored run. */
export interface DeclaredSchedule {
  key: string;
  blockId: string;
  target: string;
  everySeconds: number;
  /** Read only when the schedule is new or its interval changed, so a tick costs no query per schedule. */
  lastRun: () => { id: string; createdAt: string } | null;
}

/** How first runs and later ones are spread. */
export interface ScheduleTiming {
  /** A new schedule first runs within this many seconds of being seen (`schedules.startup_window_seconds`). */
  startupWindowSeconds: number;
  /** 0..1; injectable so tests can pin the jitter. */
  random?: (() => number) | undefined;
}

/**
 * The due-time bookkeeping both schedulers share. A schedule seen for the first time (the
 * server just started, or a doc gained it) runs within the start-up window; after that every
 * interval, with jitter. A changed interval counts from the newest stored run. Schedules the
 * docs stop declaring are dropped at the end of the pass.
 */
export class ScheduleBook {
  private readonly states = new Map<string, ScheduleState>();
  private readonly seen = new Set<string>();
  private readonly timing: ScheduleTiming;

  constructor(timing: ScheduleTiming) {
    this.timing = timing;
  }

  /** Every schedule, by key. */
  snapshot(): Map<string, ScheduleState> {
    return new Map(this.states);
  }

  /** Starts a pass over the docs; `endPass` forgets whatever this pass did not declare. */
  beginPass(): void {
    this.seen.clear();
  }

  /** Drops the schedules the docs no longer declare. */
  endPass(): void {
    for (const key of this.states.keys()) if (!this.seen.has(key)) this.states.delete(key);
  }

  /**
   * Records that the docs declare `schedule` now. When it is due at `now`, moves its next
   * slot one interval on and answers its state (the caller starts the run and reports back
   * through `started`); otherwise null.
   */
  due(schedule: DeclaredSchedule, now: number): ScheduleState | null {
    this.seen.add(schedule.key);
    const state = this.stateOf(schedule, now);
    if (Date.parse(state.nextAt) > now) return null;
    state.nextAt = iso(now + schedule.everySeconds * 1000 + scheduleJitter(schedule.everySeconds, this.random()));
    return state;
  }

  /** What came of starting a due schedule: a new run, or one still going that it joined (counted as skipped). True for a new run. */
  started(state: ScheduleState, runId: string, joined: boolean): boolean {
    if (joined) {
      state.skipped += 1;
      return false;
    }
    state.lastRunId = runId;
    return true;
  }

  private stateOf(schedule: DeclaredSchedule, now: number): ScheduleState {
    const known = this.states.get(schedule.key);
    if (known && known.everySeconds === schedule.everySeconds) return known;
    const last = schedule.lastRun();
    let nextAt: number;
    if (!known) {
      // New to this process: run promptly, whatever the history says, so a start-up or a new
      // doc shows a fresh verdict within the window instead of after a whole interval.
      nextAt = now + startupDelay(this.timing.startupWindowSeconds, this.random());
    } else if (last) {
      nextAt = Math.max(now, Date.parse(last.createdAt) + schedule.everySeconds * 1000 + scheduleJitter(schedule.everySeconds, this.random()));
    } else {
      // The interval changed before the first run: its start-up slot still stands.
      nextAt = Date.parse(known.nextAt);
    }
    const state: ScheduleState = {
      key: schedule.key,
      blockId: schedule.blockId,
      target: schedule.target,
      everySeconds: schedule.everySeconds,
      nextAt: iso(nextAt),
      skipped: known?.skipped ?? 0,
      lastRunId: last?.id ?? null,
    };
    this.states.set(schedule.key, state);
    return state;
  }

  private random(): number {
    return (this.timing.random ?? Math.random)();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
