import type { APIRoute } from 'astro';
import { json, jsonError, readJsonBody } from '../../../../lib/http/index.ts';

/** Cancels a runbook run: its current step is stopped and removed, the rest skipped. */
export const POST: APIRoute = async ({ locals, params, request }) => {
  // JSON only, like every state-changing route: a plain form elsewhere cannot post here.
  const read = await readJsonBody(request, locals.bodyLimitBytes);
  if (!read.ok) return jsonError(read.status, read.code, read.message);
  const outcome = locals.core.runbooks.cancel(params.id ?? '');
  if (!outcome) return jsonError(404, 'RunbookRunNotFound', `No runbook run has id '${params.id}'.`);
  if (!outcome.changed) return jsonError(409, 'RunbookRunAlreadyFinished', `Runbook run ${outcome.run.id} already ended as ${outcome.run.status}; there is nothing to cancel.`);
  return json({ id: outcome.run.id, status: 'cancelling' }, 202);
};
