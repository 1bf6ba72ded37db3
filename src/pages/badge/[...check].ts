import type { APIRoute } from 'astro';

/** `/badge/<check id>.svg` (optionally `?target=`): the check's status as an SVG badge. */
export const GET: APIRoute = async ({ locals, params, url }) => {
  const { status, svg } = await locals.core.dashboard.badge((params.check ?? '').replace(/\.svg$/, ''), url.searchParams.get('target') ?? undefined);
  return new Response(svg, { status, headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'no-cache, max-age=0' } });
};
