import type { APIRoute } from 'astro';
import { jsonError } from '../../../../lib/http/index.ts';
import { exportIncident } from '../../../../lib/incidents/index.ts';

/** The incident as a markdown doc with frontmatter, to commit next to the docs. */
export const GET: APIRoute = async ({ locals, params }) => {
  const { incidentStore, docs } = locals.services;
  const incident = incidentStore.get(params.id ?? '');
  if (!incident) return jsonError(404, 'IncidentNotFound', `No incident has id '${params.id}'.`);
  const set = await docs.current();
  const sectionPath = incident.section ? (set.byId.get(incident.section.docId)?.path ?? null) : null;
  const { fileName, markdown } = exportIncident(incident, incidentStore.events(incident.id), sectionPath);
  return new Response(markdown, {
    headers: { 'content-type': 'text/markdown; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"` },
  });
};
