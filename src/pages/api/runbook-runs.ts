import type { APIRoute } from 'astro';
import { json, openRunStart, problemResponse } from '../../lib/http/index.ts';

/** Starts a run of a whole runbook named by doc id and runbook hash, or joins the one already going. */
export const POST: APIRoute = async ({ request, locals }) => {
  const actor = locals.principal.name;
  const start = await openRunStart(request, locals.core.startLimiter, actor, locals.bodyLimitBytes);
  if (!start.ok) return start.response;
  const outcome = await locals.core.runbooks.request(start.body, { actor, actorRole: locals.principal.role, trigger: 'manual' });
  if (!outcome.ok || outcome.joined) start.release();
  if (!outcome.ok) return problemResponse(outcome.problem);
  const { run, joined } = outcome;
  locals.auditTarget = run.docId;
  locals.auditDetail = `runbook run ${run.id}${joined ? ' (joined)' : ''} on ${run.target}`;
  return json({ id: run.id, joined, status: run.status, url: `/runbook-runs/${run.id}`, events: `/api/runbook-runs/${run.id}/events` }, 202, { location: `/api/runbook-runs/${run.id}` });
};

/** Recent runbook runs, newest first; `?doc=` and `?target=` narrow them. */
export const GET: APIRoute = ({ locals, url }) => {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const doc = url.searchParams.get('doc');
  const target = url.searchParams.get('target');
  return json({ runbookRuns: locals.core.runbooks.list({ ...(doc ? { docId: doc } : {}), ...(target ? { target } : {}), limit: Number.isFinite(limit) ? limit : 50 }) });
};
