import { TickLoop } from './tick-loop.ts';
import type { DocSet } from '../docs/index.ts';
import { checkBlocks, parseTimeout, type ProcedureCatalog } from '../procedures/index.ts';
import type { RunService } from '../runs/index.ts';
import { ScheduleBook, type ScheduleState } from './schedule-book.ts';

/** Collaborators and knobs, built once per server. */
export interface SchedulerDeps {
  docs: { current(): Promise<DocSet> };
  catalog: ProcedureCatalog;
  runs: Pick<RunService, 'start' | 'list'>;
  defaultTargets: string[];
  /** Each check first runs within this many seconds of the scheduler seeing it (`schedules.startup_window_seconds`). */
  startupWindowSeconds: number;
  tickMs?: number;
  /** 0..1; injectable so tests can pin the jitter. */
  random?: () => number;
  now?: () => number;
}

/**
 * Runs checks that declare `every=`, per target: once within the start-up window after the
 * scheduler first sees them, then on that interval with up to ±10% jitter (at most a minute)
 * so a fleet of checks does not fire in lockstep. A check that is due while its previous run
 * is still queued or running is skipped, not stacked.
 */
export class Scheduler {
  private readonly deps: SchedulerDeps;
  private readonly book: ScheduleBook;
  private readonly loop: TickLoop;

  constructor(deps: SchedulerDeps) {
    this.deps = deps;
    this.book = new ScheduleBook({ startupWindowSeconds: deps.startupWindowSeconds, random: deps.random });
    this.loop = new TickLoop(() => this.tick(), 'scheduler', deps.tickMs ?? 1_000);
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** Every schedule, keyed by `blockId@target`. */
  snapshot(): Map<string, ScheduleState> {
    return this.book.snapshot();
  }

  /** Starts whatever is due; returns the ids of the runs it started. */
  async tick(): Promise<string[]> {
    return this.loop.exclusive([], async () => {
      const set = await this.deps.docs.current();
      const now = this.deps.now?.() ?? Date.now();
      const started: string[] = [];
      this.book.beginPass();
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
      this.book.endPass();
      return started;
    });
  }
}
