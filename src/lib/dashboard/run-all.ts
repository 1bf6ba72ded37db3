import { z } from 'zod';
import type { DocSet } from '../docs/index.ts';
import type { ProcedureCatalog } from '../procedures/index.ts';
import type { RunService } from '../runs/index.ts';
import { findBlock } from '../runs/index.ts';
import type { CheckRow } from './check-rows.ts';

/** Body of `POST /api/checks/run-all`: the same filters as the dashboard. */
export const runAllBodySchema = z.strictObject({
  doc: z.string().min(1).optional(),
  system: z.string().min(1).optional(),
  target: z.string().min(1).optional(),
  status: z.string().min(1).optional(),
});

/** Queues a run for each runnable row, in row order, joining runs already going; rows past a full queue are skipped with the reason. */
export function startRows(rows: CheckRow[], set: DocSet, catalog: ProcedureCatalog, runs: RunService, actor: string, actorRole: string | null = null) {
  const started: string[] = [];
  const joined: string[] = [];
  const skipped: Array<{ key: string; reason: string }> = [];
  for (const row of rows) {
    const block = findBlock(set, catalog, row.blockId);
    const prepared = block ? catalog.prepare(block, {}) : null;
    if (!block || !prepared?.ok) {
      skipped.push({ key: row.key, reason: prepared && !prepared.ok ? prepared.reason : 'the block is gone' });
      continue;
    }
    const full = runs.queueFull();
    if (full) {
      skipped.push({ key: row.key, reason: full.message });
      continue;
    }
    const { run, joined: wasJoined } = runs.start({ block, steps: prepared.steps, variables: prepared.variables, target: row.target, actor, actorRole, trigger: 'run-all' });
    (wasJoined ? joined : started).push(run.id);
  }
  return { started, joined, skipped };
}
