import type { APIRoute } from 'astro';
import { describeDoc } from '../../../lib/docs/doc-views.ts';
import { json, jsonError } from '../../../lib/http/json-response.ts';

/** One doc as JSON. */
export const GET: APIRoute = async ({ locals, params }) => {
  const set = await locals.services.docs.current();
  const doc = set.byId.get(params.id ?? '');
  if (!doc) return jsonError(404, 'DocNotFound', `No doc has id '${params.id}'. GET /api/docs lists every id.`);
  return json(describeDoc(set, doc));
};
