import type { APIRoute } from 'astro';
import { jsonError } from '../../../../lib/http/index.ts';

/** The incident as a markdown doc with frontmatter, to commit next to the docs. */
export const GET: APIRoute = async ({ locals, params }) => {
  const exported = await locals.core.incidents.export(params.id ?? '');
  if (!exported) return jsonError(404, 'IncidentNotFound', `No incident has id '${params.id}'.`);
  return new Response(exported.markdown, {
    headers: { 'content-type': 'text/markdown; charset=utf-8', 'content-disposition': `attachment; filename="${exported.fileName}"` },
  });
};
