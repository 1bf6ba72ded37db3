import type { APIRoute } from 'astro';
import { runAllBodySchema } from '../../../lib/dashboard/index.ts';
import { json, jsonError, openRunStart, problemResponse } from '../../../lib/http/index.ts';
import { formatZodIssues } from '../../../lib/shared/index.ts';

/**
 * Queues every runnable check matching the filters; the concurrency limit still applies.
 * One Run all is one start for the rate limit (one click, bounded by the checks in the docs);
 * the queue cap bounds what it queues, and rows past it are skipped with the reason.
 */
export const POST: APIRoute = async ({ locals, request }) => {
  const actor = locals.principal.name;
  const start = await openRunStart(request, locals.core.startLimiter, actor, locals.bodyLimitBytes);
  if (!start.ok) return start.response;
  const body = runAllBodySchema.safeParse(start.body ?? {});
  if (!body.success) {
    start.release();
    return jsonError(400, 'InvalidRunAllRequest', formatZodIssues(body.error).join('; '));
  }
  const full = locals.core.runs.queueFull();
  if (full) {
    start.release();
    return problemResponse(full);
  }
  const outcome = await locals.core.dashboard.runAll(body.data, actor, locals.principal.role);
  locals.auditDetail = JSON.stringify(body.data);
  if (outcome.started.length === 0) start.release();
  return json(outcome, 202);
};
