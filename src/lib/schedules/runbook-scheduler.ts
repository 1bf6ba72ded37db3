import type { DocRecord, DocSet } from '../docs/index.ts';
import { parseTimeout, type ProcedureCatalog } from '../procedures/index.ts';
import { parseStartRunbook, runbookPlan, type RunbookRunService } from '../runs/index.ts';
import type { SystemsConfig } from '../systems/index.ts';
import { ScheduleLoop, type ScheduleLoopDeps } from './schedule-loop.ts';

/** A runbook's interval and where it was declared. */
export interface RunbookEvery {
  seconds: number;
  /** `every 6h`, as the dashboard shows it. */
  label: string;
  source: 'frontmatter' | 'systems';
}

/**
 * A runbook's schedule: `runbooks.<doc id>.every` in the systems configuration, else `every:`
 * in its frontmatter (`6h`, `15m`, `90s`, or a number of seconds). The configuration wins, so
 * an operator can change how often a runbook runs without editing the doc. Null when neither
 * says, or the value is not a duration.
 */
export function runbookEvery(doc: Pick<DocRecord, 'id' | 'frontmatter'>, systems: Pick<SystemsConfig, 'runbooks'>): RunbookEvery | null {
  const configured = systems.runbooks?.[doc.id]?.every;
  const raw = configured ?? doc.frontmatter.every;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : null;
  const seconds = text === null ? null : parseTimeout(text);
  return seconds === null ? null : { seconds, label: `every ${text}`, source: configured !== undefined ? 'systems' : 'frontmatter' };
}

/** Collaborators and knobs, built once per server. */
export interface RunbookSchedulerDeps extends ScheduleLoopDeps {
  catalog: ProcedureCatalog;
  runbooks: Pick<RunbookRunService, 'start' | 'list'>;
  systems: Pick<SystemsConfig, 'runbooks'>;
  defaultTargets: string[];
}

/**
 * Runs whole runbooks that declare an interval, per target, the way `Scheduler` runs
 * `every=` checks (the same `ScheduleLoop`): once within the start-up window, then on the
 * interval with the same jitter, and a runbook still going when it comes due again is
 * skipped and counted, not stacked. Its snapshot's `blockId` holds the doc id.
 */
export class RunbookScheduler extends ScheduleLoop {
  private readonly deps: RunbookSchedulerDeps;

  constructor(deps: RunbookSchedulerDeps) {
    super(deps, 'runbook scheduler');
    this.deps = deps;
  }

  protected pass(set: DocSet, now: number): string[] {
    const started: string[] = [];
    for (const doc of set.docs) {
      const every = runbookEvery(doc, this.deps.systems);
      const plan = every ? runbookPlan(doc, this.deps.catalog, this.deps.defaultTargets, set) : null;
      if (!every || !plan) continue;
      for (const target of plan.targets) {
        const lastRun = () => this.deps.runbooks.list({ docId: doc.id, target, limit: 1 })[0] ?? null;
        const state = this.book.due({ key: `${doc.id}@${target}`, blockId: doc.id, target, everySeconds: every.seconds, lastRun }, now);
        if (!state) continue;
        const parsed = parseStartRunbook({ doc: doc.id, hash: plan.hash, target }, { set, catalog: this.deps.catalog, defaultTargets: this.deps.defaultTargets, actor: 'scheduler', trigger: 'schedule' });
        if (!parsed.ok) continue;
        const { run, joined } = this.deps.runbooks.start(parsed.request);
        if (this.book.started(state, run.id, joined)) started.push(run.id);
      }
    }
    return started;
  }
}
