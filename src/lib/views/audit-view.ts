import { auditQuerySchema, AUDIT_OUTCOMES, type AuditEntry, type AuditQuery } from '../audit/index.ts';
import type { Core } from '../app/index.ts';
import { formatZodIssues } from '../shared/index.ts';

/** The audit query a query string asks for, or the problems with it. */
export function parseAuditQuery(params: URLSearchParams): { ok: true; query: AuditQuery } | { ok: false; message: string } {
  // Empty form fields mean "any", as the /audit filter form sends them.
  const present = Object.fromEntries([...params.entries()].filter(([, value]) => value !== ''));
  const parsed = auditQuerySchema.safeParse(present);
  if (!parsed.success) return { ok: false, message: `Invalid audit query: ${formatZodIssues(parsed.error).join('; ')}` };
  return { ok: true, query: parsed.data };
}

/** Everything `/audit` renders: the filters as given, the matching entries, and the choices for the outcome filter. */
export interface AuditView {
  filters: Record<'actor' | 'action' | 'outcome' | 'from' | 'to', string>;
  entries: AuditEntry[];
  problem: string | null;
  outcomes: readonly string[];
  retentionDays: number;
  /** The same filters as `GET /api/audit?format=jsonl`. */
  jsonlHref: string;
}

/** The audit page for a query string. */
export function auditView(core: Pick<Core, 'audit' | 'systems'>, params: URLSearchParams): AuditView {
  const filters = { actor: params.get('actor') ?? '', action: params.get('action') ?? '', outcome: params.get('outcome') ?? '', from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const parsed = parseAuditQuery(params);
  const jsonl = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
  jsonl.set('format', 'jsonl');
  return {
    filters,
    entries: parsed.ok ? core.audit.list(parsed.query) : [],
    problem: parsed.ok ? null : parsed.message,
    outcomes: AUDIT_OUTCOMES,
    retentionDays: core.systems.auth.config.audit.retention_days,
    jsonlHref: `/api/audit?${jsonl}`,
  };
}
