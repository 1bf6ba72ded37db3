import type { APIRoute } from 'astro';
import { json, jsonError } from '../../lib/http/index.ts';
import { readJsonBody } from '../../lib/http/index.ts';
import { actorOf } from '../../lib/http/index.ts';
import { parseStartRun } from '../../lib/runs/index.ts';

/** Starts a run of a block named by id and hash, or joins the one already going. */
export const POST: APIRoute = async ({ request, locals, clientAddress }) => {
  const { services } = locals;
  const read = await readJsonBody(request);
  if (!read.ok) return jsonError(read.status, read.code, read.message);
  const parsed = parseStartRun(read.body, {
    set: await services.docs.current(),
    catalog: services.catalog,
    defaultTargets: services.targets.names(),
    actor: actorOf(request, clientAddress),
    trigger: request.headers.get('x-runbook-trigger') === 'cli' ? 'cli' : 'manual',
  });
  if (!parsed.ok) return jsonError(parsed.problem.status, parsed.problem.code, parsed.problem.message);
  const { run, joined } = services.runs.start(parsed.request);
  return json(
    { id: run.id, joined, status: run.status, url: `/runs/${run.id}`, events: `/api/runs/${run.id}/events` },
    202,
    { location: `/api/runs/${run.id}` },
  );
};

/** Recent runs, newest first; `?block=` and `?doc=` narrow them. */
export const GET: APIRoute = ({ locals, url }) => {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const runs = locals.services.store.listRuns({
    ...(url.searchParams.get('block') ? { blockId: url.searchParams.get('block')! } : {}),
    ...(url.searchParams.get('doc') ? { docId: url.searchParams.get('doc')! } : {}),
    limit: Number.isFinite(limit) ? limit : 50,
  });
  return json({ runs });
};
