import type { ProcedureBlock } from '../procedures/index.ts';
import { isFinal, statsKey, type RunStatus } from '../runs/index.ts';
import { checkName } from './check-rows.ts';

/** How one check stands on one target: its newest ended run, and whether one is going now. */
export interface CheckFreshness {
  /** `block@target`. */
  key: string;
  blockId: string;
  /** The name the doc gives the block (`name=`), else the local part of its id, as the dashboard shows it. */
  name: string;
  /**
   * The newest verdict (passed, failed, errored) and when it ended; without one, the newest
   * run that ended otherwise (cancelled, interrupted); null when no run ever ended.
   */
  last: { status: RunStatus; at: string } | null;
  /** A run queued or running now. */
  going: 'queued' | 'running' | null;
}

/** How a doc's checks stand, per target. */
export interface DocFreshness {
  /** Every target the doc's checks run on, in the order they first name them, with each runnable check there. */
  targets: Array<{ target: string; checks: CheckFreshness[] }>;
  /** Check keys (`block@target`) whose newest verdict is failed or errored. */
  failing: string[];
  /** Check keys that never ended a run and have none going. */
  neverRun: string[];
  /** The flag the page and the catalogue show, if any: failing wins over never run. */
  flag: 'failing' | 'never run' | null;
}

/** What freshness is judged from for one check on one target: its newest run and its newest verdict. */
export interface FreshnessInput {
  latest: { status: RunStatus; createdAt: string; finishedAt: string | null } | null;
  lastFinished: { status: RunStatus; finishedAt: string } | null;
}

/** How a doc's runnable checks stand on each target; null when it has none, so a doc without checks says nothing. */
export function docFreshness(blocks: ProcedureBlock[], stats: Pick<ReadonlyMap<string, FreshnessInput>, 'get'>, defaultTargets: string[]): DocFreshness | null {
  const checks = blocks.filter((block) => block.runnable && block.isCheck);
  if (checks.length === 0) return null;
  const byTarget = new Map<string, CheckFreshness[]>();
  const failing: string[] = [];
  const neverRun: string[] = [];
  for (const block of checks) {
    for (const target of block.system?.targets ?? defaultTargets) {
      const key = statsKey(block.id, target);
      const check = checkFreshness(block, key, stats.get(key));
      if (!byTarget.has(target)) byTarget.set(target, []);
      byTarget.get(target)!.push(check);
      if (check.last?.status === 'failed' || check.last?.status === 'errored') failing.push(key);
      else if (!check.last && !check.going) neverRun.push(key);
    }
  }
  return {
    targets: [...byTarget].map(([target, list]) => ({ target, checks: list })),
    failing,
    neverRun,
    flag: failing.length > 0 ? 'failing' : neverRun.length > 0 ? 'never run' : null,
  };
}

function checkFreshness(block: ProcedureBlock, key: string, entry: FreshnessInput | undefined): CheckFreshness {
  const latest = entry?.latest ?? null;
  const going = latest?.status === 'queued' || latest?.status === 'running' ? latest.status : null;
  // Judged by the newest verdict: a check that failed and is running again is still failing,
  // and a cancelled run after a pass does not hide the pass.
  let last: CheckFreshness['last'] = null;
  if (entry?.lastFinished) last = { status: entry.lastFinished.status, at: entry.lastFinished.finishedAt };
  else if (latest && isFinal(latest.status)) last = { status: latest.status, at: latest.finishedAt ?? latest.createdAt };
  return { key, blockId: block.id, name: checkName(block), last, going };
}
