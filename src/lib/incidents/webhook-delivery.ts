import type { IncidentNotification } from './webhook-notifier.ts';

/** A delivery waits (`pending`) until a receiver answers 2xx (`delivered`) or its attempts run out (`failed`). */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One notification on its way to the webhook, as the incident page and API show it. */
export interface WebhookDelivery {
  /** Sent as the delivery header on every attempt, so receivers can drop repeats. */
  id: string;
  incidentId: string;
  event: IncidentNotification['event'];
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When the next attempt is due; null once delivered or failed. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  /** The receiver's HTTP status on the last attempt; null when it could not be reached. */
  lastStatus: number | null;
  /** Why the last attempt failed (the receiver's answer, or the connection error); null after a success. */
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** How hard a delivery is tried. */
export interface RetryPolicy {
  maxAttempts: number;
  /** The wait after the first failed attempt; it doubles after each later one. */
  backoffSeconds: number;
  maxBackoffSeconds: number;
  timeoutSeconds: number;
}

/** What one attempt came to. */
export type AttemptOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** The columns an attempt's outcome sets. */
export interface DeliveryPatch {
  status: WebhookDeliveryStatus;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

/** The wait after `attempts` failed attempts: the first backoff, doubled for each attempt after the first, capped. */
export function retryDelayMs(attempts: number, policy: RetryPolicy): number {
  const seconds = policy.backoffSeconds * 2 ** Math.max(0, attempts - 1);
  return Math.round(Math.min(seconds, policy.maxBackoffSeconds) * 1000);
}

/**
 * When an attempt claimed now may be claimed again if its process never records the outcome
 * (it was killed mid-request): after the attempt's own time-out and the wait a failure would
 * have got. Until then no other process sends it, so a slow receiver is not sent a duplicate.
 */
export function leaseUntil(attempts: number, policy: RetryPolicy, nowMs: number): string {
  return new Date(nowMs + policy.timeoutSeconds * 1000 + retryDelayMs(attempts, policy)).toISOString();
}

/** What the outcome of attempt number `attempts` makes of the delivery. */
export function afterAttempt(attempts: number, outcome: AttemptOutcome, policy: RetryPolicy, nowMs: number): DeliveryPatch {
  const at = new Date(nowMs).toISOString();
  if (outcome.ok) return { status: 'delivered', nextAttemptAt: null, lastStatus: outcome.status, lastError: null, deliveredAt: at };
  const exhausted = attempts >= policy.maxAttempts;
  return {
    status: exhausted ? 'failed' : 'pending',
    nextAttemptAt: exhausted ? null : new Date(nowMs + retryDelayMs(attempts, policy)).toISOString(),
    lastStatus: outcome.status,
    lastError: outcome.error,
    deliveredAt: null,
  };
}
