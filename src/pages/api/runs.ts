import type { APIRoute } from 'astro';
import { json, jsonError, problemResponse, rateLimitedResponse, readJsonBody } from '../../lib/http/index.ts';

/** Starts a run of a block named by id and hash, or joins the one already going. */
export const POST: APIRoute = async ({ request, locals }) => {
  const actor = locals.principal.name;
  // A slot is taken before the work and given back unless a new run was accepted, so only
  // accepted starts count and concurrent requests cannot overshoot the limit.
  const slot = locals.core.startLimiter.take(actor);
  if (!slot.ok) return rateLimitedResponse(slot, actor);
  const read = await readJsonBody(request, locals.bodyLimitBytes);
  if (!read.ok) {
    slot.release();
    return jsonError(read.status, read.code, read.message);
  }
  const outcome = await locals.core.runs.request(read.body, {
    actor,
    actorRole: locals.principal.role,
    trigger: request.headers.get('x-runbook-trigger') === 'cli' ? 'cli' : 'manual',
  });
  if (!outcome.ok || outcome.joined) slot.release();
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
