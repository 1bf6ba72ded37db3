import { jsonError } from './json-response.ts';
import { rateLimitedResponse } from './rate-limited.ts';
import { readJsonBody } from './read-json-body.ts';
import type { SlidingWindowLimiter } from './start-rate-limiter.ts';

/** A request that may start runs, past the rate limit and with its body read; or the answer refusing it. */
export type RunStartRequest = { ok: true; body: unknown; release: () => void } | { ok: false; response: Response };

/**
 * The opening of every route that starts runs (a block, a runbook, Run all). The actor's
 * rate-limit slot is taken before anything else, so concurrent requests cannot overshoot the
 * limit, and given back here when the body is refused. The route gives it back too when
 * nothing new started after all (a refusal, or a run joined), so only accepted starts count.
 */
export async function openRunStart(request: Request, limiter: SlidingWindowLimiter, actor: string, bodyLimitBytes: number): Promise<RunStartRequest> {
  const slot = limiter.take(actor);
  if (!slot.ok) return { ok: false, response: rateLimitedResponse(slot, actor) };
  const read = await readJsonBody(request, bodyLimitBytes);
  if (!read.ok) {
    slot.release();
    return { ok: false, response: jsonError(read.status, read.code, read.message) };
  }
  return { ok: true, body: read.body, release: slot.release };
}
