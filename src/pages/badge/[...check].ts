import type { APIRoute } from 'astro';
import { statusBadgeSvg, worstStatus } from '../../lib/dashboard/index.ts';

/** `/badge/<check id>.svg` (optionally `?target=`): the check's status as an SVG badge. */
export const GET: APIRoute = async ({ locals, params, url }) => {
  const id = (params.check ?? '').replace(/\.svg$/, '');
  const target = url.searchParams.get('target') ?? undefined;
  const { rows } = await locals.services.dashboard(target ? { target } : {});
  const mine = rows.filter((row) => row.blockId === id || row.name === id);
  const label = mine[0]?.name ?? id.split('/').pop() ?? 'check';
  const svg = statusBadgeSvg(label, mine.length === 0 ? 'unknown' : worstStatus(mine.map((row) => row.status)));
  return new Response(svg, {
    status: mine.length === 0 ? 404 : 200,
    headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'no-cache, max-age=0' },
  });
};
