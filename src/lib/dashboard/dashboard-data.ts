import type { DocSet } from '../docs/index.ts';
import type { ProcedureCatalog } from '../procedures/index.ts';
import { statsKey, type RunStore } from '../runs/index.ts';
import type { Scheduler } from '../schedules/index.ts';
import type { TargetHealth, TargetHealthMonitor } from '../systems/index.ts';
import { buildCheckRows, type CheckRow, type CheckStatus } from './check-rows.ts';

/** Narrowing of the dashboard by query parameters. */
export interface DashboardFilters {
  doc?: string | undefined;
  system?: string | undefined;
  target?: string | undefined;
  status?: string | undefined;
}

/** A dashboard row with its schedule's state. */
export type DashboardRow = CheckRow & { nextRunAt: string | null; skippedWhileRunning: number };

/** What the dashboard page and `GET /api/checks` show. */
export interface Dashboard {
  generatedAt: string;
  rows: DashboardRow[];
  targets: TargetHealth[];
  counts: Record<CheckStatus, number>;
  /** Values the filters can take, from all rows. */
  options: { docs: string[]; systems: string[]; targets: string[]; statuses: CheckStatus[] };
}

/** Collaborators the dashboard reads from. */
export interface DashboardSources {
  set: DocSet;
  catalog: ProcedureCatalog;
  store: Pick<RunStore, 'blockTargetStats'>;
  incidents: { openCounts(): Array<{ blockId: string; target: string; count: number }> };
  health: TargetHealthMonitor;
  scheduler: Scheduler | null;
  defaultTargets: string[];
}

const STATUSES: CheckStatus[] = ['failing', 'unreachable', 'running', 'queued', 'passing', 'never run', 'cancelled', 'not runnable'];

/** Gathers every check's row, filtered, with counts over all rows. */
export function loadDashboard(sources: DashboardSources, filters: DashboardFilters = {}, now = new Date()): Dashboard {
  const openIncidents = new Map<string, number>();
  for (const open of sources.incidents.openCounts()) {
    const key = statsKey(open.blockId, open.target);
    openIncidents.set(key, (openIncidents.get(key) ?? 0) + open.count);
  }
  const schedules = sources.scheduler?.snapshot() ?? new Map();
  const all = buildCheckRows({
    set: sources.set,
    catalog: sources.catalog,
    stats: sources.store.blockTargetStats(now),
    health: sources.health.snapshot(),
    openIncidents,
    defaultTargets: sources.defaultTargets,
  }).map((row) => ({ ...row, nextRunAt: schedules.get(row.key)?.nextAt ?? null, skippedWhileRunning: schedules.get(row.key)?.skipped ?? 0 }));
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
  for (const row of all) counts[row.status] += 1;
  const rows = all.filter(
    (row) =>
      (!filters.doc || row.docId === filters.doc) &&
      (!filters.system || row.system === filters.system) &&
      (!filters.target || row.target === filters.target) &&
      (!filters.status || row.status === filters.status),
  );
  const distinct = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => v !== null))].sort();
  return {
    generatedAt: now.toISOString(),
    rows,
    targets: sources.health.snapshot(),
    counts,
    options: { docs: distinct(all.map((r) => r.docId)), systems: distinct(all.map((r) => r.system)), targets: distinct(all.map((r) => r.target)), statuses: STATUSES },
  };
}

/** Reads the four filters from a URL's query. */
export function filtersFrom(url: URL): DashboardFilters {
  const get = (name: string) => url.searchParams.get(name) || undefined;
  return { doc: get('doc'), system: get('system'), target: get('target'), status: get('status') };
}
