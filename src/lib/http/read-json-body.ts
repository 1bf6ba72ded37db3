import type { ApiErrorCode } from './api-error-codes.ts';

/** A JSON body, or the `{ status, code, message }` to refuse it with. */
export async function readJsonBody(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; status: 400 | 415; code: Extract<ApiErrorCode, 'UnsupportedMediaType' | 'InvalidJson'>; message: string }> {
  const type = request.headers.get('content-type') ?? '';
  // Requiring JSON also keeps plain HTML forms on other sites from posting here.
  if (!type.toLowerCase().startsWith('application/json')) {
    return { ok: false, status: 415, code: 'UnsupportedMediaType', message: `Send the body as application/json (got '${type || 'none'}').` };
  }
  try {
    return { ok: true, body: await request.json() };
  } catch (error) {
    return { ok: false, status: 400, code: 'InvalidJson', message: `The body is not valid JSON: ${(error as Error).message}` };
  }
}
