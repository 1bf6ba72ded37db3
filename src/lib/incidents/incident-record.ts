import type { FailureKind } from '../runs/index.ts';

/** Open and acknowledged incidents are both still open; only resolved ones are closed. */
export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

/** Failures of one check on one target, of one kind, grouped until the check passes again. */
export interface Incident {
  id: string;
  blockId: string;
  docId: string;
  target: string;
  failureKind: FailureKind;
  /** For contract violations: the assertion that failed. */
  assertion: string | null;
  status: IncidentStatus;
  /** The troubleshooting section that explains it; null when none does (a docs gap). */
  section: { docId: string; anchor: string; title: string } | null;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  acknowledgedBy: string | null;
  failures: number;
  lastRunId: string;
  /** The first failing run's message. */
  message: string | null;
}

/** One entry on an incident's timeline. */
export interface IncidentEvent {
  incidentId: string;
  seq: number;
  at: string;
  type: 'opened' | 'failed-again' | 'acknowledged' | 'note' | 'resolved' | 'auto-resolved';
  runId: string | null;
  actor: string | null;
  /** The actor's role then; null for the system's own events and events from before roles. */
  actorRole?: string | null;
  text: string | null;
  /** The last lines of the failing run's log. */
  excerpt: string | null;
}
