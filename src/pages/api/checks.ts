import type { APIRoute } from 'astro';
import { json } from '../../lib/http/index.ts';
import { filtersFrom } from '../../lib/dashboard/index.ts';

/** The dashboard as JSON: every check on every target, with targets' health. */
export const GET: APIRoute = async ({ locals, url }) => json(await locals.services.dashboard(filtersFrom(url)));
