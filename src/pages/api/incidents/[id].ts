import type { APIRoute } from 'astro';
import { json, jsonError } from '../../../lib/http/index.ts';

/** One incident with its timeline and its webhook deliveries. */
export const GET: APIRoute = ({ locals, params }) => {
  const incident = locals.core.incidents.detail(params.id ?? '');
  if (!incident) return jsonError(404, 'IncidentNotFound', `No incident has id '${params.id}'.`);
  return json({ ...incident, notifications: locals.core.webhooks.deliveries(incident.id) });
};
