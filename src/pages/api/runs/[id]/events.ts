import type { APIRoute } from 'astro';
import { jsonError } from '../../../../lib/http/index.ts';
import { runEventStream } from '../../../../lib/runs/index.ts';

/** Server-Sent Events for one run: queued, started, each log line, finished. */
export const GET: APIRoute = ({ locals, params, request }) => {
  const { store, events, runs } = locals.services;
  const run = store.getRun(params.id ?? '');
  if (!run) return jsonError(404, 'RunNotFound', `No run has id '${params.id}'.`);
  const resumeAfter = Number(request.headers.get('last-event-id') ?? 0);
  const stream = runEventStream(
    run,
    { store, events, flushLog: (id) => runs.flushLog(id), queuePosition: (id) => runs.queuePosition(id) },
    request.signal,
    Number.isFinite(resumeAfter) ? resumeAfter : 0,
  );
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
  });
};
