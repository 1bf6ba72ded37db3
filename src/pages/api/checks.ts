import type { APIRoute } from 'astro';
import { filtersFrom, pageFrom } from '../../lib/dashboard/index.ts';
import { json, jsonError } from '../../lib/http/index.ts';

/** The dashboard as JSON: one page of checks on their targets (`?limit=&offset=&sort=`), with totals and targets' health. */
export const GET: APIRoute = async ({ locals, url }) => {
  const page = pageFrom(url);
  if (!page.ok) return jsonError(400, 'InvalidPageQuery', page.message);
  return json(await locals.core.dashboard.load({ ...filtersFrom(url), ...page.page }));
};
