import type { APIRoute } from 'astro';
import { json, jsonError, readJsonBody } from '../../../../lib/http/index.ts';
import { incidentActionBodySchema } from '../../../../lib/incidents/index.ts';
import { formatZodIssues } from '../../../../lib/shared/index.ts';

const ACTIONS = ['acknowledge', 'note', 'resolve'] as const;

/** Acknowledge, add a note to, or resolve an incident. */
export const POST: APIRoute = async ({ locals, params, request }) => {
  const action = params.action as (typeof ACTIONS)[number];
  if (!ACTIONS.includes(action)) return jsonError(404, 'UnknownAction', `Incidents take ${ACTIONS.join(', ')}; not '${params.action}'.`);
  const read = request.headers.get('content-length') === '0' ? { ok: true as const, body: {} } : await readJsonBody(request, locals.bodyLimitBytes);
  if (!read.ok) return jsonError(read.status, read.code, read.message);
  const body = incidentActionBodySchema.safeParse(read.body ?? {});
  if (!body.success) return jsonError(400, 'InvalidIncidentAction', formatZodIssues(body.error).join('; '));
  if (action === 'note' && !body.data.text) return jsonError(400, 'InvalidIncidentAction', 'text: a note needs some text');
  const service = locals.core.incidents;
  const actor = locals.principal.name;
  const role = locals.principal.role;
  const id = params.id ?? '';
  const incident =
    action === 'acknowledge' ? service.acknowledge(id, actor, role) : action === 'note' ? service.note(id, actor, body.data.text!, role) : service.resolve(id, actor, body.data.text ?? null, role);
  if (!incident) return jsonError(404, 'IncidentNotFound', `No incident has id '${id}'.`);
  return json(service.detail(incident.id));
};
