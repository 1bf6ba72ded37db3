import { DEFAULT_BODY_LIMIT_BYTES } from '../config/index.ts';
import type { ApiErrorCode } from './api-error-codes.ts';
import { payloadTooLargeMessage } from './edge-guards.ts';

/** Why a body was refused: the status and the `{ code, message }` to answer with. */
export type BodyRefusal = { ok: false; status: 400 | 413 | 415; code: Extract<ApiErrorCode, 'UnsupportedMediaType' | 'InvalidJson' | 'PayloadTooLarge'>; message: string };

/**
 * The body as text, read chunk by chunk and abandoned as soon as it passes `limitBytes`, so a
 * chunked upload without `Content-Length` cannot make the server hold more than the limit.
 */
export async function readBodyText(request: Request, limitBytes: number): Promise<{ ok: true; text: string } | { ok: false; tooLarge: true }> {
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, tooLarge: true };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

/** A JSON body of at most `limitBytes`, or the `{ status, code, message }` to refuse it with. */
export async function readJsonBody(request: Request, limitBytes: number = DEFAULT_BODY_LIMIT_BYTES): Promise<{ ok: true; body: unknown } | BodyRefusal> {
  const type = request.headers.get('content-type') ?? '';
  // Requiring JSON also keeps plain HTML forms on other sites from posting here.
  if (!type.toLowerCase().startsWith('application/json')) {
    return { ok: false, status: 415, code: 'UnsupportedMediaType', message: `Send the body as application/json (got '${type || 'none'}').` };
  }
  const read = await readBodyText(request, limitBytes);
  if (!read.ok) return { ok: false, status: 413, code: 'PayloadTooLarge', message: payloadTooLargeMessage(limitBytes) };
  try {
    return { ok: true, body: JSON.parse(read.text) };
  } catch (error) {
    return { ok: false, status: 400, code: 'InvalidJson', message: `The body is not valid JSON: ${(error as Error).message}` };
  }
}
