import type { APIRoute } from 'astro';
import { json, jsonError } from '../../../lib/http/index.ts';

/** One incident with its timeline. */
export const GET: APIRoute = ({ locals, params }) => {
  const store = locals.services.incidentStore;
  const incident = store.get(params.id ?? '');
  if (!incident) return jsonError(404, 'IncidentNotFound', `No incident has id '${params.id}'.`);
  return json({ ...incident, timeline: store.events(incident.id) });
};
