import { CronSchedule } from './cron-schedule.ts';
import { parseWindowDuration, type MaintenanceEntryConfig, type MaintenanceWindowConfig } from './maintenance-schema.ts';

/** Which check on which target is asked about: a block id and the doc it is in. */
export interface MaintenanceScope {
  target: string;
  blockId: string;
  docId: string;
}

/** The window a check is in at some instant. */
export interface ActiveMaintenance {
  /** Why, as the configuration says; null when it gives no reason. */
  reason: string | null;
  /** When this occurrence of the window started and when it ends (exclusive), ISO 8601. */
  from: string;
  until: string;
  /** Where it is declared: `targets.local.maintenance.0` or `maintenance.2`. */
  source: string;
}

type Timing = { kind: 'once'; from: number; to: number } | { kind: 'recurring'; schedule: CronSchedule; durationMs: number };

/** One declared window, ready to be asked about. */
interface DeclaredWindow {
  source: string;
  reason: string | null;
  /** Null for "every target" or "every check". */
  targets: string[] | null;
  checks: string[] | null;
  timing: Timing;
}

/** Answers which scopes a moment falls in; built once per instant (see `at`). */
export type MaintenanceMatcher = (scope: MaintenanceScope) => ActiveMaintenance | null;

const NOTHING: MaintenanceMatcher = () => null;

/**
 * The maintenance windows of the systems configuration: whether a check on a target is in one
 * at an instant, and when the next window starts or ends. Pure: every question names its instant.
 */
export class MaintenanceWindows {
  private readonly windows: DeclaredWindow[];

  private constructor(windows: DeclaredWindow[]) {
    this.windows = windows;
  }

  /** No windows at all. */
  static none(): MaintenanceWindows {
    return new MaintenanceWindows([]);
  }

  /**
   * The windows of a parsed configuration: each target's `maintenance:` and the top-level list.
   * Throws only on what the schema already refused (a cron expression it accepted parses).
   */
  static fromConfig(targets: Record<string, { maintenance?: MaintenanceWindowConfig[] | undefined }>, entries: MaintenanceEntryConfig[]): MaintenanceWindows {
    const windows: DeclaredWindow[] = [];
    for (const [name, target] of Object.entries(targets)) {
      (target.maintenance ?? []).forEach((window, index) => windows.push(declare(window, `targets.${name}.maintenance.${index}`, [name], null)));
    }
    entries.forEach((entry, index) => windows.push(declare(entry, `maintenance.${index}`, entry.targets ?? null, entry.checks)));
    return new MaintenanceWindows(windows);
  }

  /** Every check id a window names, with the window: so ids that match no block can be reported. */
  namedChecks(): Array<{ source: string; check: string }> {
    return this.windows.flatMap((window) => (window.checks ?? []).map((check) => ({ source: window.source, check })));
  }

  /** How many windows are declared. */
  get size(): number {
    return this.windows.length;
  }

  /**
   * Which windows are on at `at`, as a matcher for many scopes: the dashboard asks about every
   * row at one instant, and each recurring window's cron is evaluated once, not once per row.
   */
  at(at: Date): MaintenanceMatcher {
    if (this.windows.length === 0) return NOTHING;
    const on = this.windows.flatMap((window) => {
      const occurrence = occurrenceAt(window.timing, at.getTime());
      return occurrence ? [{ window, occurrence }] : [];
    });
    if (on.length === 0) return NOTHING;
    return (scope) => {
      let found: ActiveMaintenance | null = null;
      for (const { window, occurrence } of on) {
        if (!applies(window, scope)) continue;
        // Of overlapping windows, the one that ends last says how long the check stays in maintenance.
        if (found && Date.parse(found.until) >= occurrence.to) continue;
        found = { reason: window.reason, from: new Date(occurrence.from).toISOString(), until: new Date(occurrence.to).toISOString(), source: window.source };
      }
      return found;
    };
  }

  /** The window `scope` is in at `at`, or null. */
  activeWindow(at: Date, scope: MaintenanceScope): ActiveMaintenance | null {
    return this.at(at)(scope);
  }

  /** The next instant strictly after `at` when any window starts or ends, or null when none ever will. */
  nextBoundary(at: Date): Date | null {
    const now = at.getTime();
    let next = Infinity;
    for (const { timing } of this.windows) {
      if (timing.kind === 'once') {
        for (const edge of [timing.from, timing.to]) if (edge > now && edge < next) next = edge;
        continue;
      }
      const current = occurrenceAt(timing, now);
      if (current && current.to < next) next = current.to;
      const start = timing.schedule.nextStartAfter(at)?.getTime();
      if (start !== undefined && start < next) next = start;
    }
    return next === Infinity ? null : new Date(next);
  }
}

function declare(window: MaintenanceWindowConfig, source: string, targets: string[] | null, checks: string[] | null): DeclaredWindow {
  return { source, reason: window.reason ?? null, targets, checks, timing: timingOf(window, source) };
}

function timingOf(window: MaintenanceWindowConfig, source: string): Timing {
  if (window.from !== undefined && window.to !== undefined) return { kind: 'once', from: Date.parse(window.from), to: Date.parse(window.to) };
  const parsed = CronSchedule.parse(window.cron ?? '', window.timezone);
  const durationMs = parseWindowDuration(window.duration ?? '');
  if (!parsed.ok || durationMs === null) throw new Error(`${source}: not a valid window (${parsed.ok ? 'duration' : parsed.error}); parse it with the systems schema first`);
  return { kind: 'recurring', schedule: parsed.schedule, durationMs };
}

/** The occurrence of a window that `now` falls in (from inclusive, to exclusive), or null. */
function occurrenceAt(timing: Timing, now: number): { from: number; to: number } | null {
  if (timing.kind === 'once') return timing.from <= now && now < timing.to ? { from: timing.from, to: timing.to } : null;
  // The latest start has the latest end (every occurrence lasts as long), so it alone decides.
  const start = timing.schedule.latestStartAtOrBefore(new Date(now))?.getTime();
  return start !== undefined && now < start + timing.durationMs ? { from: start, to: start + timing.durationMs } : null;
}

function applies(window: DeclaredWindow, scope: MaintenanceScope): boolean {
  if (window.targets && !window.targets.includes(scope.target)) return false;
  return !window.checks || window.checks.includes(scope.blockId) || window.checks.includes(scope.docId);
}
