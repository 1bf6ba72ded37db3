import type { ProcedureBlock } from '../procedures/index.ts';
import { statsKey, type BlockTargetStats } from '../runs/index.ts';

/** When a doc's runnable blocks last passed on each target, and whether its checks hold. */
export interface DocFreshness {
  /** Per target, the newest pass of any of the doc's runnable blocks. */
  verified: Array<{ target: string; lastPassAt: string | null }>;
  /** Check ids (`block@target`) whose latest finished run failed. */
  failing: string[];
  /** Check ids that never finished a run. */
  neverRun: string[];
  /** The flag the page and the catalogue show, if any. */
  flag: 'failing' | 'never run' | null;
}

/** Freshness of one doc from its blocks and the run statistics; null when nothing in it can run. */
export function docFreshness(blocks: ProcedureBlock[], stats: Map<string, BlockTargetStats>, defaultTargets: string[]): DocFreshness | null {
  const runnable = blocks.filter((block) => block.runnable);
  if (runnable.length === 0) return null;
  const lastPass = new Map<string, string | null>();
  const failing: string[] = [];
  const neverRun: string[] = [];
  for (const block of runnable) {
    for (const target of block.system?.targets ?? defaultTargets) {
      const key = statsKey(block.id, target);
      const entry = stats.get(key);
      const pass = entry?.lastPassAt ?? null;
      const known = lastPass.get(target) ?? null;
      lastPass.set(target, pass && (!known || pass > known) ? pass : known);
      if (!block.isCheck) continue;
      // Judged by the newest finished run: a failing check that is running again is still failing.
      const lastFinished = entry?.lastFinished ?? null;
      const everEnded = lastFinished !== null || (entry?.latest !== null && entry?.latest !== undefined && !['queued', 'running'].includes(entry.latest.status));
      if (!everEnded && !pass) neverRun.push(key);
      else if (lastFinished && (lastFinished.status === 'failed' || lastFinished.status === 'errored')) failing.push(key);
    }
  }
  return {
    verified: [...lastPass].map(([target, lastPassAt]) => ({ target, lastPassAt })),
    failing,
    neverRun,
    flag: failing.length > 0 ? 'failing' : neverRun.length > 0 ? 'never run' : null,
  };
}
