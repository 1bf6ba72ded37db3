import type { APIRoute } from 'astro';
import { json, jsonError, readJsonBody } from '../../lib/http/index.ts';

/** Starts a run of a block named by id and hash, or joins the one already going. */
export const POST: APIRoute = async ({ request, locals }) => {
  const read = await readJsonBody(request);
  if (!read.ok) return jsonError(read.status, read.code, read.message);
  const outcome = await locals.core.runs.request(read.body, {
    actor: locals.principal.name,
    actorRole: locals.principal.role,
    trigger: request.headers.get('x-runbook-trigger') === 'cli' ? 'cli' : 'manual',
  });
  if (!outcome.ok) return jsonError(outcome.problem.status, outcome.problem.code, outcome.problem.message);
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
