import type { APIRoute } from 'astro';
import { json, openRunStart, problemResponse } from '../../lib/http/index.ts';

/** Starts a run of a block named by id and hash, or joins the one already going. */
export const POST: APIRoute = async ({ request, locals }) => {
  const actor = locals.principal.name;
  const start = await openRunStart(request, locals.core.startLimiter, actor, locals.bodyLimitBytes);
  if (!start.ok) return start.response;
  const outcome = await locals.core.runs.request(start.body, {
    actor,
    actorRole: locals.principal.role,
    trigger: request.headers.get('x-runbook-trigger') === 'cli' ? 'cli' : 'manual',
  });
  if (!outcome.ok || outcome.joined) start.release();
  if (!outcome.ok) return problemResponse(outcome.problem);
  const { run, joined } = outcome;
  locals.auditTarget = run.blockId;
  locals.auditDetail = `run ${run.id}${joined ? ' (joined)' : ''} on ${run.target}`;
  return json({ id: run.id, joined, status: run.status, url: `/runs/${run.id}`, events: `/api/runs/${run.id}/events` }, 202, { location: `/api/runs/${run.id}` });
};

/** Recent runs, newest first; `?block=` and `?doc=` narrow them. */
export const GET: APIRoute = ({ locals, url }) => {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const block = url.searchParams.get('block');
  const doc = url.searchParams.get('doc');
  const runs = locals.core.runs.list({ ...(block ? { blockId: block } : {}), ...(doc ? { docId: doc } : {}), limit: Number.isFinite(limit) ? limit : 50 });
  return json({ runs });
};
