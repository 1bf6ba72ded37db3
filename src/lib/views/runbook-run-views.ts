import type { Core } from '../app/index.ts';
import { docHref } from '../docs/index.ts';
import { blockHref } from '../procedures/index.ts';
import { isFinal, type RunbookRunRecord, type RunbookStep } from '../runs/index.ts';
import { formatDuration } from '../shared/index.ts';

/** One step on the timeline, with where to read more. */
export type TimelineStep = RunbookStep & {
  blockHref: string;
  /** The step's run page, once it has one. */
  runHref: string | null;
  duration: string | null;
  /** The incident the step's failure opened (or was counted in). */
  incident: { id: string; href: string } | null;
};

/** Everything a runbook run's permalink page renders, or `found: false` for a 404. */
export type RunbookRunPageView =
  | { found: false }
  | {
      found: true;
      run: RunbookRunRecord;
      docHref: string;
      duration: string | null;
      steps: TimelineStep[];
      /** True while it can still be cancelled. */
      active: boolean;
    };

/** A runbook run's page: its facts and its steps as a timeline, each linked to its run and incident. */
export function runbookRunPageView(core: Core, id: string): RunbookRunPageView {
  const run = core.runbooks.get(id);
  if (!run) return { found: false };
  return {
    found: true,
    run,
    docHref: docHref(run.docId),
    duration: duration(run),
    steps: run.steps.map((step) => {
      const incident = step.runId && step.status !== 'passed' ? core.incidents.forRun(step.runId) : null;
      return {
        ...step,
        blockHref: blockHref(step.blockId),
        runHref: step.runId ? `/runs/${step.runId}` : null,
        duration: duration(step),
        incident: incident ? { id: incident.id, href: `/incidents/${incident.id}` } : null,
      };
    }),
    active: !isFinal(run.status),
  };
}

/** `GET /api/runbook-runs/<id>`: the record, and the incident id per failed step run. */
export function runbookRunApiView(core: Core, id: string): { run: RunbookRunRecord; incidents: Record<string, string> } | null {
  const view = runbookRunPageView(core, id);
  if (!view.found) return null;
  return { run: view.run, incidents: Object.fromEntries(view.steps.flatMap((step) => (step.runId && step.incident ? [[step.runId, step.incident.id]] : []))) };
}

/** One row of the runbook runs listing. */
export type RunbookRunListRow = Pick<RunbookRunRecord, 'id' | 'status' | 'docId' | 'target' | 'actor' | 'trigger'> & { href: string; queuedAt: string; duration: string; progress: string };

/** Recent runbook runs, newest first. */
export function runbookRunListView(core: Core, limit = 200): RunbookRunListRow[] {
  return core.runbooks.list({ limit }).map((run) => ({
    id: run.id,
    status: run.status,
    docId: run.docId,
    target: run.target,
    actor: run.actor,
    trigger: run.trigger,
    href: `/runbook-runs/${run.id}`,
    queuedAt: run.createdAt.replace('T', ' ').slice(0, 19),
    duration: duration(run) ?? '—',
    progress: `${run.steps.filter((s) => s.status === 'passed').length} of ${run.steps.filter((s) => !s.manual).length}`,
  }));
}

function duration(span: { startedAt: string | null; finishedAt: string | null }): string | null {
  return span.startedAt && span.finishedAt ? formatDuration(Date.parse(span.finishedAt) - Date.parse(span.startedAt)) : null;
}
