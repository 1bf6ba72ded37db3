import type { APIRoute } from 'astro';
import { runAllBodySchema } from '../../../lib/dashboard/index.ts';
import { json, jsonError, readJsonBody } from '../../../lib/http/index.ts';
import { formatZodIssues } from '../../../lib/shared/index.ts';

/** Queues every runnable check matching the filters; the concurrency limit still applies. */
export const POST: APIRoute = async ({ locals, request }) => {
  const read = await readJsonBody(request);
  if (!read.ok) return jsonError(read.status, read.code, read.message);
  const body = runAllBodySchema.safeParse(read.body ?? {});
  if (!body.success) return jsonError(400, 'InvalidRunAllRequest', formatZodIssues(body.error).join('; '));
  const started = await locals.core.dashboard.runAll(body.data, locals.principal.name, locals.principal.role);
  locals.auditDetail = JSON.stringify(body.data);
  return json(started, 202);
};
