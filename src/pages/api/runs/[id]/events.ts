import type { APIRoute } from 'astro';
import { eventStreamResponse, jsonError } from '../../../../lib/http/index.ts';

/** Server-Sent Events for one run: queued, started, each log line, finished. */
export const GET: APIRoute = ({ locals, params, request }) => {
  const resumeAfter = Number(request.headers.get('last-event-id') ?? 0);
  const stream = locals.core.runs.stream(params.id ?? '', request.signal, Number.isFinite(resumeAfter) ? resumeAfter : 0);
  return stream ? eventStreamResponse(stream) : jsonError(404, 'RunNotFound', `No run has id '${params.id}'.`);
};
