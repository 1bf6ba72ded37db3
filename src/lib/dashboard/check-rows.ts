import type { DocSet } from '../docs/index.ts';
import type { ProcedureBlock, ProcedureCatalog } from '../procedures/index.ts';
import { blockIdParts, checkBlocks } from '../procedures/index.ts';
import { statsKey, type BlockTargetStats, type LatestRun } from '../runs/index.ts';
import type { TargetHealth } from '../systems/index.ts';
import { sparklineChanges, sparklinePath } from './sparkline.ts';
import { parseTimeout } from '../procedures/index.ts';

/** How a check stands on a target. */
export type CheckStatus = 'passing' | 'failing' | 'running' | 'queued' | 'never run' | 'unreachable' | 'cancelled' | 'not runnable';

/** One row of the dashboard: one check on one target. */
export interface CheckRow {
  key: string;
  blockId: string;
  name: string;
  hash: string;
  docId: string;
  docTitle: string;
  system: string | null;
  target: string;
  kind: ProcedureBlock['kind'];
  status: CheckStatus;
  /** Why the block cannot run, or why the target is unreachable. */
  reason: string | null;
  lastRun: LatestRun | null;
  /** The newest finished run's verdict, kept while the next run is queued or running. */
  lastFinished: BlockTargetStats['lastFinished'];
  lastDurationMs: number | null;
  /** 0..1, or null when nothing finished in the window. */
  passRate24h: number | null;
  passRate7d: number | null;
  durations: number[];
  sparkline: string;
  /** Marks on the sparkline where the check's definition changed between two runs. */
  sparklineChanges: string;
  schedule: { everySeconds: number; label: string } | null;
  openIncidents: number;
}

/** Everything a row is built from, gathered once per request. */
export interface CheckRowInputs {
  set: DocSet;
  catalog: ProcedureCatalog;
  stats: Map<string, BlockTargetStats>;
  health: TargetHealth[];
  openIncidents: Map<string, number>;
  defaultTargets: string[];
}

/** Builds the dashboard's rows. Pure: the caller gathers the inputs. */
export function buildCheckRows(inputs: CheckRowInputs): CheckRow[] {
  const health = new Map(inputs.health.map((h) => [h.name, h]));
  return checkBlocks(inputs.set, inputs.catalog, inputs.defaultTargets).map(({ block, target, docTitle }) => {
    const key = statsKey(block.id, target);
    const stats = inputs.stats.get(key);
    const latest = stats?.latest ?? null;
    const targetHealth = health.get(target);
    const { status, reason } = statusOf(block, latest, targetHealth);
    const every = parseTimeout(block.annotations.every);
    return {
      key,
      blockId: block.id,
      name: typeof block.annotations.name === 'string' ? block.annotations.name : blockIdParts(block.id).local,
      hash: block.hash,
      docId: block.docId,
      docTitle,
      system: block.system?.name ?? null,
      target,
      kind: block.kind,
      status,
      reason,
      lastRun: latest,
      lastFinished: stats?.lastFinished ?? null,
      lastDurationMs: stats?.durations.at(-1) ?? null,
      passRate24h: stats && stats.finished24h > 0 ? stats.passed24h / stats.finished24h : null,
      passRate7d: stats && stats.finished7d > 0 ? stats.passed7d / stats.finished7d : null,
      durations: stats?.durations ?? [],
      sparkline: sparklinePath(stats?.durations ?? []),
      sparklineChanges: sparklineChanges(stats?.hashes ?? []),
      schedule: every ? { everySeconds: every, label: `every ${block.annotations.every}` } : null,
      openIncidents: inputs.openIncidents.get(key) ?? 0,
    };
  });
}

function statusOf(block: ProcedureBlock, latest: LatestRun | null, health: TargetHealth | undefined): { status: CheckStatus; reason: string | null } {
  if (!block.runnable) return { status: 'not runnable', reason: block.reason };
  if (latest?.status === 'running') return { status: 'running', reason: null };
  if (latest?.status === 'queued') return { status: 'queued', reason: null };
  // One clear state for a host that is down, instead of a wall of failures.
  if (health?.reachable === false) return { status: 'unreachable', reason: health.error };
  if (!latest) return { status: 'never run', reason: null };
  if (latest.status === 'passed') return { status: 'passing', reason: null };
  if (latest.failureKind === 'docker_unreachable') return { status: 'unreachable', reason: latest.message };
  if (latest.status === 'failed' || latest.status === 'errored') return { status: 'failing', reason: latest.message };
  return { status: 'cancelled', reason: latest.message };
}
