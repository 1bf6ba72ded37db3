import type { APIRoute } from 'astro';
import { json, jsonError } from '../../../lib/http/index.ts';

/** One run with its log lines. */
export const GET: APIRoute = ({ locals, params }) => {
  const { store, runs } = locals.services;
  const run = store.getRun(params.id ?? '');
  if (!run) return jsonError(404, 'RunNotFound', `No run has id '${params.id}'.`);
  runs.flushLog(run.id);
  return json({ ...run, queuePosition: runs.queuePosition(run.id), logs: store.getLogs(run.id) });
};
