import type { Core } from '../app/index.ts';
import { resolveCitation, type AssertionVerdict, type ResolvedCitation } from '../checks/index.ts';
import { docHref } from '../docs/index.ts';
import { blockHref } from '../procedures/index.ts';
import { checkVerdicts, renderLogHtml, type RunRecord } from '../runs/index.ts';
import { formatDuration } from '../shared/index.ts';
import type { ActiveMaintenance } from '../systems/index.ts';

/** Everything a run's permalink page renders, or `found: false` for a 404. */
export type RunPageView =
  | { found: false }
  | {
      found: true;
      run: RunRecord;
      blockHref: string;
      duration: string | null;
      /** The stored output as HTML: escaped, with ANSI colours as spans. */
      logHtml: string;
      verdicts: Array<AssertionVerdict & { citation: ResolvedCitation | null }>;
      /** The runbook run this run was a step of, with the step's place in it. */
      runbookRun: { href: string; title: string; step: number; of: number } | null;
      /** The maintenance window the run ended in (so a failure opened no incident), or null. */
      maintenance: ActiveMaintenance | null;
    };

/** A run's page: its facts, verdicts with their cited clauses, and its whole output. */
export async function runPageView(core: Core, id: string): Promise<RunPageView> {
  const detail = core.runs.detail(id);
  if (!detail) return { found: false };
  const { run, logs } = detail;
  const set = await core.docs.current();
  return {
    found: true,
    run,
    blockHref: blockHref(run.blockId),
    duration: runDuration(run),
    logHtml: renderLogHtml(logs),
    verdicts: checkVerdicts(run.result).map((verdict) => ({ ...verdict, citation: verdict.because ? resolveCitation(set, verdict.because) : null })),
    runbookRun: runbookRunOf(core, run.id),
    maintenance: core.incidents.maintenanceOf(run.id),
  };
}

function runbookRunOf(core: Core, runId: string): Extract<RunPageView, { found: true }>['runbookRun'] {
  const parent = core.runbooks.forStepRun(runId);
  if (!parent) return null;
  return { href: `/runbook-runs/${parent.id}`, title: parent.docTitle, step: parent.steps.findIndex((s) => s.runId === runId) + 1, of: parent.steps.length };
}

/** One row of the runs listing. */
export type RunListRow = Pick<RunRecord, 'id' | 'status' | 'blockId' | 'target' | 'actor'> & {
  href: string;
  queuedAt: string;
  duration: string;
  /** The first characters of the block hash the run ran. */
  version: string;
  /** True when the block's definition differs from the one its previous run on this target ran. */
  definitionChanged: boolean;
};

/** The recent runs, newest first. */
export function runListView(core: Core, limit = 200): RunListRow[] {
  const runs = core.runs.list({ limit });
  return runs.map((run, index) => ({
    id: run.id,
    status: run.status,
    blockId: run.blockId,
    target: run.target,
    actor: run.actor,
    href: `/runs/${run.id}`,
    queuedAt: run.createdAt.replace('T', ' ').slice(0, 19),
    duration: runDuration(run) ?? '—',
    version: run.blockHash.slice(0, 8),
    definitionChanged: definitionChanged(run, runs.slice(index + 1)),
  }));
}

/** Whether the next older run of the same block and target (in `older`, newest first) ran another definition. */
function definitionChanged(run: RunRecord, older: RunRecord[]): boolean {
  const previous = older.find((other) => other.blockId === run.blockId && other.target === run.target);
  return previous !== undefined && previous.blockHash !== run.blockHash;
}

function runDuration(run: RunRecord): string | null {
  return run.startedAt && run.finishedAt ? formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : null;
}
