import type { APIRoute } from 'astro';
import { json, jsonError } from '../../../lib/http/index.ts';
import { actorOf } from '../../../lib/http/index.ts';
import { readJsonBody } from '../../../lib/http/index.ts';
import { runAllBodySchema, startRows } from '../../../lib/dashboard/index.ts';
import { formatZodIssues } from '../../../lib/shared/index.ts';

/** Queues every runnable check matching the filters; the concurrency limit still applies. */
export const POST: APIRoute = async ({ locals, request, clientAddress }) => {
  const read = await readJsonBody(request);
  if (!read.ok) return jsonError(read.status, read.code, read.message);
  const body = runAllBodySchema.safeParse(read.body ?? {});
  if (!body.success) return jsonError(400, 'InvalidRunAllRequest', formatZodIssues(body.error).join('; '));
  const { services } = locals;
  const dashboard = await services.dashboard(body.data);
  const outcome = startRows(dashboard.rows, await services.docs.current(), services.catalog, services.runs, actorOf(request, clientAddress));
  return json(outcome, 202);
};
