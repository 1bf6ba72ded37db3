import type { APIRoute } from 'astro';
import { describeDoc } from '../../../lib/docs/index.ts';
import { json, jsonError } from '../../../lib/http/index.ts';
import { viewBlock } from '../../../lib/procedures/index.ts';
import { runbookPlan } from '../../../lib/runs/index.ts';

/** One doc as JSON, with its procedure blocks (id, hash, runnable or not, and why) and, when it has runnable steps, what POST /api/runbook-runs needs. */
export const GET: APIRoute = async ({ locals, params }) => {
  const { docs, catalog, targets } = locals.core;
  const set = await docs.current();
  const doc = set.byId.get(params.id ?? '');
  if (!doc) return jsonError(404, 'DocNotFound', `No doc has id '${params.id}'. GET /api/docs lists every id.`);
  const plan = runbookPlan(doc, catalog, targets.names(), set);
  const runbook = plan ? { hash: plan.hash, targets: plan.targets, steps: plan.blocks.map((block) => block.id) } : null;
  return json({ ...describeDoc(set, doc), blocks: catalog.blocksOf(doc, set).map((block) => viewBlock(block, targets.names())), runbook });
};
