import type { APIRoute } from 'astro';
import { allRunsStream } from '../../lib/runs/index.ts';

/** Server-Sent Events for every run: queued, started, finished (no log lines). */
export const GET: APIRoute = ({ locals, request }) =>
  new Response(allRunsStream(locals.services.events, request.signal), {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
  });
