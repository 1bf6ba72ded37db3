import type { DocSet } from '../docs/index.ts';
import type { ProcedureCatalog } from '../procedures/index.ts';
import { runbookPlan, type RunbookRunRecord, type RunbookRunService } from '../runs/index.ts';

/** One runbook on one target: what the dashboard's Runbooks table shows, with its Run runbook button. */
export interface RunbookRow {
  /** `docId@target`. */
  key: string;
  docId: string;
  title: string;
  target: string;
  /** Sent back by the Run runbook button, so a stale page is refused. */
  hash: string;
  runnableCount: number;
  stepCount: number;
  lastRun: Pick<RunbookRunRecord, 'id' | 'status' | 'createdAt' | 'finishedAt' | 'trigger'> | null;
  /** `every 6h` when the runbook is scheduled, else null. */
  schedule: string | null;
  /** When the scheduler next runs it here, if it is scheduled and the scheduler has seen it. */
  nextRunAt: string | null;
}

/** Which runbook rows to build: narrowed by doc and target, the first `limit` of them. */
export interface RunbookRowSelection {
  doc?: string | undefined;
  target?: string | undefined;
  limit?: number | undefined;
}

/**
 * Every doc with runnable steps, on each target its steps run on, with its latest runbook run;
 * narrowed and cut to `limit` before any run is read, with the count before the cut.
 */
export function buildRunbookRows(
  sources: {
    set: DocSet;
    catalog: ProcedureCatalog;
    runbooks: Pick<RunbookRunService, 'list'>;
    defaultTargets: string[];
    scheduleOf: (docId: string) => string | null;
    /** The runbook scheduler's next due time for a `docId@target` key. */
    nextRunOf?: (key: string) => string | null;
  },
  selection: RunbookRowSelection = {},
): { rows: RunbookRow[]; total: number } {
  const chosen = sources.set.docs.flatMap((doc) => {
    if (selection.doc && doc.id !== selection.doc) return [];
    const plan = runbookPlan(doc, sources.catalog, sources.defaultTargets, sources.set);
    if (!plan) return [];
    return plan.targets.filter((target) => !selection.target || target === selection.target).map((target) => ({ doc, plan, target }));
  });
  const rows = chosen.slice(0, selection.limit ?? chosen.length).map(({ doc, plan, target }) => {
    const [last] = sources.runbooks.list({ docId: doc.id, target, limit: 1 });
    return {
      key: `${doc.id}@${target}`,
      docId: doc.id,
      title: doc.title,
      target,
      hash: plan.hash,
      runnableCount: plan.runnableCount,
      stepCount: plan.blocks.length,
      lastRun: last
        ? {
            id: last.id,
            status: last.status,
            createdAt: last.createdAt,
            finishedAt: last.finishedAt,
            trigger: last.trigger,
          }
        : null,
      schedule: sources.scheduleOf(doc.id),
      nextRunAt: sources.nextRunOf?.(`${doc.id}@${target}`) ?? null,
    };
  });
  return { rows, total: chosen.length };
}
