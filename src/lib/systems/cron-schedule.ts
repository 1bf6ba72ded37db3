import { Cron } from 'croner';

// croner stays behind this file: the rest of the code asks for the start at or before an
// instant and the start after it, in a time zone, and never sees a Cron object.

/** A cron expression read in a time zone: when it fires, before and after an instant. */
export class CronSchedule {
  private readonly cron: Cron;

  private constructor(cron: Cron) {
    this.cron = cron;
  }

  /**
   * Reads `expression` (5 or 6 fields, or a nickname such as `@weekly`) in `timezone`
   * (an IANA name; the server's own zone when absent), or says why it cannot be used.
   */
  static parse(expression: string, timezone: string | undefined): { ok: true; schedule: CronSchedule } | { ok: false; error: string } {
    let cron: Cron;
    try {
      // Paused and without a callback: croner only computes times, it never sets a timer.
      cron = new Cron(expression, { paused: true, mode: '5-or-6-parts', ...(timezone ? { timezone } : {}) });
      // A bad time zone only shows once a time is computed in it.
      cron.nextRun(new Date(0));
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    // croner also takes an ISO date as a run-once job; a window that happens once has from/to.
    if (cron.getPattern() === undefined) return { ok: false, error: 'this is a date, not a cron expression; a window that happens once is written with from and to' };
    return { ok: true, schedule: new CronSchedule(cron) };
  }

  /** The latest start at or before `at`, or null when it never fired before. */
  latestStartAtOrBefore(at: Date): Date | null {
    // croner's previous runs exclude the reference itself, and include runs earlier in its
    // second: a millisecond later takes in a start exactly at `at`.
    return this.cron.previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
  }

  /** The first start strictly after `at`, or null when it never fires again. */
  nextStartAfter(at: Date): Date | null {
    return this.cron.nextRun(at);
  }
}

/** Why a cron expression cannot be used in that time zone, or null when it can. */
export function cronProblem(expression: string, timezone: string | undefined): string | null {
  const parsed = CronSchedule.parse(expression, timezone);
  return parsed.ok ? null : parsed.error;
}
