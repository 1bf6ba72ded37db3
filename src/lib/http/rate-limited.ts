import { jsonError } from './json-response.ts';
import type { RateDecision } from './start-rate-limiter.ts';

/** 429 for an actor over the run-start limit, with the seconds until a slot frees up. */
export function rateLimitedResponse(decision: Extract<RateDecision, { ok: false }>, actor: string): Response {
  const message = `${actor} started ${decision.limit} runs in the last ${decision.windowSeconds} s, the limit (runs.start_rate_per_minute in runbook-live.yaml). Try again in ${decision.retryAfterSeconds} s.`;
  return jsonError(429, 'RateLimited', message, { 'retry-after': String(decision.retryAfterSeconds) });
}
