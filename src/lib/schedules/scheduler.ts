import { TickLoop } from './tick-loop.ts';
import type { DocSet } from '../docs/index.ts';
import { checkBlocks, parseTimeout, type ProcedureCatalog } from '../procedures/index.ts';
import type { RunService } from '../runs/index.ts';
import { scheduleJitter } from './schedule-jitter.ts';

/** What the scheduler knows about one scheduled check on one target. */
export interface ScheduleState {
  key: string;
  blockId: string;
  target: string;
  everySeconds: number;
  nextAt: string;
  /** Times it came due while the previous run was still going. */
  skipped: number;
  lastRunId: string | null;
}

/** Collaborators and knobs, built once per server. */
export interface SchedulerDeps {
  docs: { current(): Promise<DocSet> };
  catalog: ProcedureCatalog;
  runs: Pick<RunService, 'start' | 'list'>;
  defaultTargets: string[];
  tickMs?: number;
  /** 0..1; injectable so tests can pin the jitter. */
  random?: () => number;
  now?: () => number;
}

/**
 * Runs checks that declare `every=` on that interval, per target, with up to ±10% jitter
 * (at most a minute) so a fleet of checks does not fire in lockstep. A check that is due
 * while its previous run is still queued or running is skipped, not stacked.
 */
export class Scheduler {
  private readonly deps: SchedulerDeps;
  private readonly states = new Map<string, ScheduleState>();
  private readonly loop: TickLoop;

  constructor(deps: SchedulerDeps) {
    this.deps = deps;
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
    return new Map(this.states);
  }

  /** Starts whatever is due; returns the ids of the runs it started. */
  async tick(): Promise<string[]> {
    return this.loop.exclusive([], async () => {
      const set = await this.deps.docs.current();
      const now = this.now();
      const started: string[] = [];
      const seen = new Set<string>();
      for (const { block, target } of checkBlocks(set, this.deps.catalog, this.deps.defaultTargets)) {
        const every = parseTimeout(block.annotations.every);
        if (!every || !block.runnable) continue;
        const key = `${block.id}@${target}`;
        seen.add(key);
        let state = this.states.get(key);
        if (!state || state.everySeconds !== every) {
          const [last] = this.deps.runs.list({ blockId: block.id, target, limit: 1 });
          // Never run: the first run is one interval after the server starts, like any later one.
          const firstDue = (last ? Date.parse(last.createdAt) : now) + every * 1000 + this.jitter(every, !last);
          state = { key, blockId: block.id, target, everySeconds: every, nextAt: new Date(Math.max(now, firstDue)).toISOString(), skipped: state?.skipped ?? 0, lastRunId: last?.id ?? null };
          this.states.set(key, state);
        }
        if (Date.parse(state.nextAt) > now) continue;
        state.nextAt = new Date(now + every * 1000 + this.jitter(every, false)).toISOString();
        const prepared = this.deps.catalog.prepare(block, {});
        if (!prepared.ok) continue;
        const { run, joined } = this.deps.runs.start({ block, steps: prepared.steps, variables: prepared.variables, target, actor: 'scheduler', trigger: 'schedule' });
        if (joined) {
          state.skipped += 1;
        } else {
          state.lastRunId = run.id;
          started.push(run.id);
        }
      }
      for (const key of this.states.keys()) if (!seen.has(key)) this.states.delete(key);
      return started;
    });
  }

  private jitter(everySeconds: number, firstRun: boolean): number {
    return scheduleJitter(everySeconds, firstRun, (this.deps.random ?? Math.random)());
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
