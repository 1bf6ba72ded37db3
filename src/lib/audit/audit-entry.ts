import { z } from 'zod';

/** How an audited attempt came out. */
export const AUDIT_OUTCOMES = ['allowed', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One audited attempt: who, from where, what on what, and how it came out. */
export interface AuditEntry {
  id: number;
  /** ISO time. */
  at: string;
  actor: string;
  /** The actor's role then; null for none. */
  role: string | null;
  /** How the actor signed in: token, session, proxy or anonymous. */
  via: string;
  /** The TCP peer address. */
  address: string;
  /** `run.start`, `incident.resolve`, `auth.sign-in`, … */
  action: string;
  /** What was acted on: a block id, a run id, an incident id, a path. */
  target: string;
  outcome: AuditOutcome;
  /** The HTTP status answered. */
  status: number;
  /** A refusal's reason or other short detail. */
  detail: string | null;
}

/** What a caller records; the id and time are the store's. */
export type AuditRecordInput = Omit<AuditEntry, 'id' | 'at' | 'outcome' | 'detail'> & { outcome?: AuditOutcome; detail?: string | null };

/** The outcome a status means: 2xx/3xx allowed, 401/403/421/429 (and other 4xx) refused, 5xx failed. */
export function outcomeOfStatus(status: number): AuditOutcome {
  if (status >= 500) return 'failed';
  return status >= 400 ? 'refused' : 'allowed';
}

/** Filters for reading the log, as `/audit` and `/api/audit` take them from the query string. */
export const auditQuerySchema = z.strictObject({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  /** ISO time or date: entries at or after it. */
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  /** ISO time or date: entries before it (a date means the end of that day). */
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
  format: z.enum(['json', 'jsonl']).default('json'),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
