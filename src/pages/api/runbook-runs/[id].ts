import type { APIRoute } from 'astro';
import { json, jsonError } from '../../../lib/http/index.ts';
import { runbookRunApiView } from '../../../lib/views/index.ts';

/** One runbook run with its steps, and the incidents its failed steps opened. */
export const GET: APIRoute = ({ locals, params }) => {
  const view = runbookRunApiView(locals.core, params.id ?? '');
  return view ? json(view) : jsonError(404, 'RunbookRunNotFound', `No runbook run has id '${params.id}'.`);
};
