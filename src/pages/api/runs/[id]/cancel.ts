import type { APIRoute } from 'astro';
import { json, jsonError } from '../../../../lib/http/index.ts';

/** Cancels a queued or running run: the container is stopped and removed. */
export const POST: APIRoute = ({ locals, params }) => {
  const outcome = locals.core.runs.cancel(params.id ?? '');
  if (!outcome) return jsonError(404, 'RunNotFound', `No run has id '${params.id}'.`);
  if (!outcome.changed) return jsonError(409, 'RunAlreadyFinished', `Run ${outcome.run.id} already ended as ${outcome.run.status}; there is nothing to cancel.`);
  return json({ id: outcome.run.id, status: 'cancelling' }, 202);
};
