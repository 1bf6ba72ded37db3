import type { APIRoute } from 'astro';
import { json, jsonError } from '../../../lib/http/index.ts';

/** One run with its log lines, and the maintenance window it ended in (null outside one). */
export const GET: APIRoute = ({ locals, params }) => {
  const detail = locals.core.runs.detail(params.id ?? '');
  if (!detail) return jsonError(404, 'RunNotFound', `No run has id '${params.id}'.`);
  return json({ ...detail.run, queuePosition: detail.queuePosition, maintenance: locals.core.incidents.maintenanceOf(detail.run.id), logs: detail.logs });
};
