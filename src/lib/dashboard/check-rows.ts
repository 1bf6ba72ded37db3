import type { DocSet } from '../docs/index.ts';
import type { ProcedureBlock, ProcedureCatalog } from '../procedures/index.ts';
import { blockIdParts, checkBlocks } from '../procedures/index.ts';
import { statsKey, type BlockTargetStats, type LatestRun } from '../runs/index.ts';
import type { ActiveMaintenance, MaintenanceMatcher, TargetHealth } from '../systems/index.ts';
import { sparklineChanges, sparklinePath } from './sparkline.ts';
import { parseTimeout } from '../procedures/index.ts';

/** How a check stands on a target. */
export type CheckStatus = 'passing' | 'failing' | 'running' | 'queued' | 'maintenance' | 'never run' | 'unreachable' | 'cancelled' | 'not runnable';

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
  /** Why the block cannot run, why the target is unreachable, or which maintenance window it is in. */
  reason: string | null;
  /** The maintenance window the check is in now (even while a run shows as running), or null. */
  maintenance: ActiveMaintenance | null;
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
  /** Which checks are in a maintenance window at the dashboard's instant; none when absent. */
  maintenance?: MaintenanceMatcher;
}

/** One check on one target, before anything is read from the runs. */
export type CheckEntry = ReturnType<typeof checkBlocks>[number];

/** The least a status needs from a block and target's newest run. */
export type LatestForStatus = Pick<LatestRun, 'status' | 'failureKind'> & { message?: string | null };

/** Builds the dashboard's rows. Pure: the caller gathers the inputs. */
export function buildCheckRows(inputs: CheckRowInputs, entries: CheckEntry[] = checkBlocks(inputs.set, inputs.catalog, inputs.defaultTargets)): CheckRow[] {
  const health = new Map(inputs.health.map((h) => [h.name, h]));
  return entries.map(({ block, target, docTitle }) => {
    const key = statsKey(block.id, target);
    const stats = inputs.stats.get(key);
    const latest = stats?.latest ?? null;
    const window = inputs.maintenance?.({ target, blockId: block.id, docId: block.docId }) ?? null;
    const { status, reason } = checkStatus(block, latest, health.get(target), window);
    const every = parseTimeout(block.annotations.every);
    return {
      key,
      blockId: block.id,
      name: checkName(block),
      hash: block.hash,
      docId: block.docId,
      docTitle,
      system: block.system?.name ?? null,
      target,
      kind: block.kind,
      status,
      reason,
      maintenance: window,
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

/** The name a check shows: its `name=` annotation, else the local part of its id. */
export function checkName(block: ProcedureBlock): string {
  return typeof block.annotations.name === 'string' ? block.annotations.name : blockIdParts(block.id).local;
}

/**
 * How a block stands on a target, from its newest run, the target's health and the maintenance
 * window it is in. A window wins over every verdict (planned work is not an outage); a run
 * going on still shows as one.
 */
export function checkStatus(
  block: ProcedureBlock,
  latest: LatestForStatus | null,
  health: TargetHealth | undefined,
  maintenance: ActiveMaintenance | null = null,
): { status: CheckStatus; reason: string | null } {
  const message = latest?.message ?? null;
  if (!block.runnable) return { status: 'not runnable', reason: block.reason };
  if (latest?.status === 'running') return { status: 'running', reason: null };
  if (latest?.status === 'queued') return { status: 'queued', reason: null };
  if (maintenance) return { status: 'maintenance', reason: maintenanceReason(maintenance) };
  // One clear state for a host that is down, instead of a wall of failures.
  if (health?.reachable === false) return { status: 'unreachable', reason: health.error };
  if (!latest) return { status: 'never run', reason: null };
  if (latest.status === 'passed') return { status: 'passing', reason: null };
  if (latest.failureKind === 'docker_unreachable') return { status: 'unreachable', reason: message };
  if (latest.status === 'failed' || latest.status === 'errored') return { status: 'failing', reason: message };
  return { status: 'cancelled', reason: message };
}

/** What a maintenance row says about its window: until when, and why. */
export function maintenanceReason(window: ActiveMaintenance): string {
  return `in maintenance until ${window.until}${window.reason ? `: ${window.reason}` : ''}`;
}
