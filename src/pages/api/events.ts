import type { APIRoute } from 'astro';
import { eventStreamResponse } from '../../lib/http/index.ts';

/** Server-Sent Events for every run: queued, started, finished (no log lines). */
export const GET: APIRoute = ({ locals, request }) => eventStreamResponse(locals.core.runs.streamAll(request.signal));
