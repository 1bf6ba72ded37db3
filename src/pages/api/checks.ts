import type { APIRoute } from 'astro';
import { filtersFrom } from '../../lib/dashboard/index.ts';
import { json } from '../../lib/http/index.ts';

/** The dashboard as JSON: every check on every target, with targets' health. */
export const GET: APIRoute = async ({ locals, url }) => json(await locals.core.dashboard.load(filtersFrom(url)));
