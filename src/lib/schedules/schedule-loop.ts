import type { DocSet } from '../docs/index.ts';
import { ScheduleBook, type ScheduleState } from './schedule-book.ts';
import { TickLoop } from './tick-loop.ts';

/** What every scheduler is built with: where the docs come from, the start-up window, and the knobs tests pin. */
export interface ScheduleLoopDeps {
  docs: { current(): Promise<DocSet> };
  /** Each schedule first runs within this many seconds of the scheduler seeing it (`schedules.startup_window_seconds`). */
  startupWindowSeconds: number;
  tickMs?: number;
  /** 0..1; injectable so tests can pin the jitter. */
  random?: () => number;
  now?: () => number;
}

/**
 * The part both schedulers share: a tick every `tickMs` that reads the docs and makes one pass
 * over what they schedule, with the due times kept in a `ScheduleBook`. A subclass says what
 * its schedules are and how one is started.
 */
export abstract class ScheduleLoop {
  protected readonly book: ScheduleBook;
  private readonly common: ScheduleLoopDeps;
  private readonly loop: TickLoop;

  constructor(common: ScheduleLoopDeps, name: string) {
    this.common = common;
    this.book = new ScheduleBook({ startupWindowSeconds: common.startupWindowSeconds, random: common.random });
    this.loop = new TickLoop(() => this.tick(), name, common.tickMs ?? 1_000);
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** Every schedule, keyed by `<id>@<target>`. */
  snapshot(): Map<string, ScheduleState> {
    return this.book.snapshot();
  }

  /** Starts whatever is due; returns the ids of the runs it started. */
  async tick(): Promise<string[]> {
    return this.loop.exclusive([], async () => {
      const set = await this.common.docs.current();
      this.book.beginPass();
      const started = this.pass(set, this.common.now?.() ?? Date.now());
      this.book.endPass();
      return started;
    });
  }

  /** One pass over the docs: `book.due` for every schedule they declare, starting those that are due. */
  protected abstract pass(set: DocSet, now: number): string[];
}
