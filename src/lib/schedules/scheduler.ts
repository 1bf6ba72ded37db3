import type { DocSet } from '../docs/index.ts';
import { checkBlocks, parseTimeout, type ProcedureCatalog } from '../procedures/index.ts';
import type { RunService } from '../runs/index.ts';
import { ScheduleLoop, type ScheduleLoopDeps } from './schedule-loop.ts';

/** Collaborators and knobs, built once per server. */
export interface SchedulerDeps extends ScheduleLoopDeps {
  catalog: ProcedureCatalog;
  runs: Pick<RunService, 'start' | 'list'>;
  defaultTargets: string[];
}

/**
 * Runs checks that declare `every=`, per target: once within the start-up window after the
 * scheduler first sees them, then on that interval with up to ±10% jitter (at most a minute)
 * so a fleet of checks does not fire in lockstep. A check that is due while its previous run
 * is still queued or running is skipped, not stacked.
 */
export class Scheduler extends ScheduleLoop {
  private readonly deps: SchedulerDeps;

  constructor(deps: SchedulerDeps) {
    super(deps, 'scheduler');
    this.deps = deps;
  }

  protected pass(set: DocSet, now: number): string[] {
    const started: string[] = [];
    for (const { block, target } of checkBlocks(set, this.deps.catalog, this.deps.defaultTargets)) {
      const every = parseTimeout(block.annotations.every);
      if (!every || !block.runnable) continue;
      const lastRun = () => this.deps.runs.list({ blockId: block.id, target, limit: 1 })[0] ?? null;
      const state = this.book.due({ key: `${block.id}@${target}`, blockId: block.id, target, everySeconds: every, lastRun }, now);
      if (!state) continue;
      const prepared = this.deps.catalog.prepare(block, {});
      if (!prepared.ok) continue;
      const { run, joined } = this.deps.runs.start({ block, steps: prepared.steps, variables: prepared.variables, target, actor: 'scheduler', trigger: 'schedule' });
      if (this.book.started(state, run.id, joined)) started.push(run.id);
    }
    return started;
  }
}
