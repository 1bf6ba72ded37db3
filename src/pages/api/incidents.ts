import type { APIRoute } from 'astro';
import { json } from '../../lib/http/index.ts';

/** Incidents, open ones first; `?open=1` for open ones only, `?check=` for one check. */
export const GET: APIRoute = ({ locals, url }) => {
  const check = url.searchParams.get('check');
  return json({ incidents: locals.core.incidents.list({ openOnly: url.searchParams.get('open') === '1', ...(check ? { blockId: check } : {}) }) });
};
