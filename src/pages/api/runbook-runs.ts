import type { APIRoute } from 'astro';
import { json, jsonError, problemResponse, rateLimitedResponse, readJsonBody } from '../../lib/http/index.ts';

/** Starts a run of a whole runbook named by doc id and runbook hash, or joins the one already going. */
export const POST: APIRoute = async ({ request, locals }) => {
  const actor = locals.principal.name;
  // One runbook run is one start, whatever its number of steps (see POST /api/runs for the slot).
  const slot = locals.core.startLimiter.take(actor);
  if (!slot.ok) return rateLimitedResponse(slot, actor);
  const read = await readJsonBody(request, locals.bodyLimitBytes);
  if (!read.ok) {
    slot.release();
    return jsonError(read.status, read.code, read.message);
  }
  const outcome = await locals.core.runbooks.request(read.body, { actor, actorRole: locals.principal.role, trigger: 'manual' });
  if (!outcome.ok || outcome.joined) slot.release();
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
