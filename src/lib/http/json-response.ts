import type { ApiErrorCode } from './api-error-codes.ts';

/** A JSON response with the given status. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** An error response in the one shape every API error takes: `{ code, message }`. */
export function jsonError(status: number, code: ApiErrorCode, message: string): Response {
  return json({ code, message }, status);
}
