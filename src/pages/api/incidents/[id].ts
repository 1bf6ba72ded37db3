import type { APIRoute } from 'astro';
import { json, jsonError } from '../../../lib/http/index.ts';

/** One incident with its timeline. */
export const GET: APIRoute = ({ locals, params }) => {
  const incident = locals.core.incidents.detail(params.id ?? '');
  return incident ? json(incident) : jsonError(404, 'IncidentNotFound', `No incident has id '${params.id}'.`);
};
