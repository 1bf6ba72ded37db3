import type { APIRoute } from 'astro';

/** Prometheus metrics: per check and target, last status, duration, runs by result, open incidents. */
export const GET: APIRoute = async ({ locals }) =>
  new Response(await locals.core.dashboard.metrics(), { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });
