import type { ApiErrorCode } from './api-error-codes.ts';
import { PRIVATE_CACHE_CONTROL } from './security-headers.ts';

/** A JSON response with the given status; browsers may keep it but must revalidate, shared caches never store it. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': PRIVATE_CACHE_CONTROL, ...headers },
  });
}

/** An error response in the one shape every API error takes: `{ code, message }`. */
export function jsonError(status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return json({ code, message }, status, headers);
}

/** A refusal from a domain service, with `Retry-After` when it says when to come back (429). */
export function problemResponse(problem: { status: number; code: ApiErrorCode; message: string; retryAfterSeconds?: number }): Response {
  return jsonError(problem.status, problem.code, problem.message, problem.retryAfterSeconds ? { 'retry-after': String(problem.retryAfterSeconds) } : {});
}
