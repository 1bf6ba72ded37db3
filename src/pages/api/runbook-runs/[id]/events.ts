import type { APIRoute } from 'astro';
import { eventStreamResponse, jsonError } from '../../../../lib/http/index.ts';

/** Server-Sent Events for one runbook run: the whole record on every step change, then finished. */
export const GET: APIRoute = ({ locals, params, request }) => {
  const stream = locals.core.runbooks.stream(params.id ?? '', request.signal);
  return stream ? eventStreamResponse(stream) : jsonError(404, 'RunbookRunNotFound', `No runbook run has id '${params.id}'.`);
};
