import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers every delivery carries (lowercase, as Node's `request.headers` has them). */
export const WEBHOOK_HEADERS = {
  /** Unix seconds when this attempt was signed; part of what is signed, so an old request cannot be replayed later. */
  timestamp: 'x-runbook-live-timestamp',
  /** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`; absent when no secret is configured. */
  signature: 'x-runbook-live-signature',
  /** The delivery's id: the same on every attempt, so a receiver can drop a repeat. */
  delivery: 'x-runbook-live-delivery',
  /** `incident.opened` or `incident.resolved`. */
  event: 'x-runbook-live-event',
} as const;

/** How far a signed timestamp may be from the receiver's clock, by default (five minutes, as Stripe's). */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** The signature header's value for one attempt: `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What one attempt sends besides the body: content type, delivery id, event, timestamp and (with a secret) the signature. */
export function webhookHeaders(input: { secret: string | null; deliveryId: string; event: string; body: string; nowMs: number }): Record<string, string> {
  const timestamp = Math.floor(input.nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'runbook-live',
    [WEBHOOK_HEADERS.delivery]: input.deliveryId,
    [WEBHOOK_HEADERS.event]: input.event,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    ...(input.secret === null ? {} : { [WEBHOOK_HEADERS.signature]: webhookSignature(input.secret, timestamp, input.body) }),
  };
}

/** Whether a request is a genuine, recent delivery; when not, why. */
export type SignatureVerdict = { valid: true } | { valid: false; reason: string };

/**
 * What a receiver does with a delivery: recomputes the signature over the raw body and the
 * timestamp header, compares in constant time, and refuses a timestamp further than
 * `toleranceSeconds` from its clock. The signature header may list several `v1=` values
 * (separated by spaces or commas), so a secret can be rotated without a gap.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  /** The body exactly as received, before any JSON parsing. */
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds?: number;
  nowMs?: number;
}): SignatureVerdict {
  const { secret, body, timestamp, signature } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'the timestamp header is missing or not unix seconds' };
  if (!signature) return { valid: false, reason: 'the signature header is missing' };
  const skew = Math.abs(Math.floor((input.nowMs ?? Date.now()) / 1000) - Number(timestamp));
  if (skew > (input.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS)) return { valid: false, reason: `the timestamp is ${skew} s away from now` };
  const expected = Buffer.from(webhookSignature(secret, Number(timestamp), body));
  const matches = signature
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((candidate) => {
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return matches ? { valid: true } : { valid: false, reason: 'no v1 signature matches the body' };
}
