import { z } from 'zod';
import { cronProblem } from './cron-schedule.ts';

/** `2h`, `90m`, `1h30m`, `1d`, `45s`: days, hours, minutes and seconds, largest first. */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** A duration written as `2h`, `90m` or `1h30m`, in milliseconds; null when it is not one. */
export function parseWindowDuration(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match || text === '') return null;
  const [d, h, m, s] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number];
  const ms = (((d * 24 + h) * 60 + m) * 60 + s) * 1000;
  return ms > 0 ? ms : null;
}

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const ISO_WITH_ZONE = 'must be an ISO 8601 time with a zone, e.g. 2026-06-01T02:00:00Z or 2026-06-01T04:00:00+02:00';

/** The fields every window may have; which of them it has decides its form (checked below). */
const windowFields = {
  /** One-off: when it starts, an ISO 8601 time with a zone. */
  from: z.iso.datetime({ offset: true, error: ISO_WITH_ZONE }).optional(),
  /** One-off: when it ends (exclusive), after `from`. */
  to: z.iso.datetime({ offset: true, error: ISO_WITH_ZONE }).optional(),
  /** Recurring: when each window starts, a cron expression (`0 3 * * 0`: Sundays at 03:00). */
  cron: z.string().min(1).optional(),
  /** Recurring: how long each window lasts from its start, `2h`, `90m` or `1h30m`. */
  duration: z.string().refine((text) => parseWindowDuration(text) !== null, 'must be a duration such as 2h, 90m or 1h30m (d, h, m and s, largest first, more than zero)').optional(),
  /** Recurring: the IANA time zone the cron expression is read in (default: the server's). */
  timezone: z.string().refine(knownTimeZone, 'is not a time zone this server knows; use an IANA name such as Europe/Stockholm or UTC').optional(),
  /** Shown on the dashboard and the run page while the window is on. */
  reason: z.string().min(1).max(200).optional(),
};

type WindowFields = { from?: string | undefined; to?: string | undefined; cron?: string | undefined; duration?: string | undefined; timezone?: string | undefined };

// A window is exactly one of two forms; mixing them, or half of one, gets a message that
// says which fields each form takes.
function checkForm(window: WindowFields, context: z.RefinementCtx): void {
  const once = window.from !== undefined || window.to !== undefined;
  const recurring = window.cron !== undefined || window.duration !== undefined || window.timezone !== undefined;
  const forms = 'a window is either one-off (from and to) or recurring (cron and duration, optionally timezone)';
  if (once && recurring) return context.addIssue({ code: 'custom', message: `${forms}, not both` });
  if (!once && !recurring) return context.addIssue({ code: 'custom', message: `${forms}; this one has neither` });
  if (once) {
    for (const field of ['from', 'to'] as const) if (window[field] === undefined) context.addIssue({ code: 'custom', path: [field], message: `a one-off window needs both from and to; ${field} is missing` });
    if (window.from && window.to && Date.parse(window.to) <= Date.parse(window.from)) context.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${window.from})` });
    return;
  }
  for (const field of ['cron', 'duration'] as const) if (window[field] === undefined) context.addIssue({ code: 'custom', path: [field], message: `a recurring window needs both cron and duration; ${field} is missing` });
  // An unknown time zone is already reported on its own field.
  if (window.cron === undefined || (window.timezone !== undefined && !knownTimeZone(window.timezone))) return;
  const problem = cronProblem(window.cron, window.timezone);
  if (problem) context.addIssue({ code: 'custom', path: ['cron'], message: `${JSON.stringify(window.cron)} cannot be used: ${problem}` });
}

/** A maintenance window on a target: one-off (`from`/`to`) or recurring (`cron`/`duration`). */
export const maintenanceWindowSchema = z.strictObject(windowFields).superRefine(checkForm);
export type MaintenanceWindowConfig = z.infer<typeof maintenanceWindowSchema>;

/** A window for some checks (by block id or doc id), on every target or the named ones. */
export const maintenanceEntrySchema = z
  .strictObject({
    ...windowFields,
    /** Block ids (`RUN-runner-image/contract-smoke`) or doc ids (`RUN-runner-image`: every check in it). */
    checks: z
      .array(z.string().min(1), { error: (issue) => (issue.input === undefined ? 'is missing: name the checks this window is for, by block id or doc id' : 'must be a list of block ids or doc ids') })
      .min(1, 'must name at least one check (a block id or a doc id)'),
    /** Target names the window applies to; every target when absent. */
    targets: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine(checkForm);
export type MaintenanceEntryConfig = z.infer<typeof maintenanceEntrySchema>;
