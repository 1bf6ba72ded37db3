import { z } from 'zod';
import { CHECK_STATUS_ORDER } from './check-status-order.ts';
import type { DocSet } from '../docs/index.ts';
import { checkBlocks, type ProcedureCatalog } from '../procedures/index.ts';
import { statsKey, type LatestState, type RunStore } from '../runs/index.ts';
import type { Scheduler } from '../schedules/index.ts';
import type { ActiveMaintenance, MaintenanceWindows, TargetHealth, TargetHealthMonitor } from '../systems/index.ts';
import { buildCheckRows, checkName, checkStatus, type CheckEntry, type CheckRow, type CheckStatus } from './check-rows.ts';

/** Narrowing of the dashboard by query parameters. */
export interface DashboardFilters {
  doc?: string | undefined;
  system?: string | undefined;
  target?: string | undefined;
  status?: string | undefined;
}

/** The orders the dashboard's rows can be read in. */
export const DASHBOARD_SORTS = ['doc', 'status', 'name', 'target', 'last-run'] as const;
export type DashboardSort = (typeof DASHBOARD_SORTS)[number];

/** Rows shown at once when a request names no `limit`. */
export const DEFAULT_PAGE_SIZE = 100;
/** The most rows one request may ask for. */
export const MAX_PAGE_SIZE = 10_000;

/** The filters, plus which rows to build: `check` (a block id or name) is for badges. */
export interface DashboardQuery extends DashboardFilters {
  check?: string | undefined;
  sort?: DashboardSort | undefined;
  offset?: number | undefined;
  /** Rows to build from `offset`; every matching row when absent (badges, metrics, Run all). */
  limit?: number | undefined;
}

/** A dashboard row with its schedule's state. */
export type DashboardRow = CheckRow & { nextRunAt: string | null; skippedWhileRunning: number };

/** What the dashboard page and `GET /api/checks` show. */
export interface Dashboard {
  generatedAt: string;
  /** One page of the rows matching the filters, in `sort` order. */
  rows: DashboardRow[];
  /** Rows matching the filters, over all pages. */
  total: number;
  offset: number;
  /** The page size asked for; null when every matching row is in `rows`. */
  limit: number | null;
  sort: DashboardSort;
  targets: TargetHealth[];
  counts: Record<CheckStatus, number>;
  /** Values the filters can take, from all rows. */
  options: { docs: string[]; systems: string[]; targets: string[]; statuses: CheckStatus[] };
}

/** Collaborators the dashboard reads from. */
export interface DashboardSources {
  set: DocSet;
  catalog: ProcedureCatalog;
  store: Pick<RunStore, 'blockTargetStats' | 'latestByKey'>;
  incidents: { openCounts(): Array<{ blockId: string; target: string; count: number }> };
  health: TargetHealthMonitor;
  scheduler: Scheduler | null;
  defaultTargets: string[];
  /** The configuration's maintenance windows; none when absent. */
  maintenance?: MaintenanceWindows;
}

const STATUSES = CHECK_STATUS_ORDER;

/** A check before its row is built: enough to count, filter, sort and export all of them cheaply. */
export interface CheckState {
  entry: CheckEntry;
  key: string;
  name: string;
  status: CheckStatus;
  lastRunAt: string;
  /** Its newest run and verdict, from check_latest; null when it never ran. */
  latest: LatestState | null;
  /** The maintenance window it is in at the dashboard's instant, or null. */
  maintenance: ActiveMaintenance | null;
}
type Candidate = CheckState;

/**
 * Every check on every target with its status, read from the docs and the check_latest table
 * alone (no per-key reads of the runs): what the counts, filters and sorting of the dashboard
 * and the whole of `/metrics` need, cheap at 10,000 checks over a million runs.
 */
export function checkStates(sources: Omit<DashboardSources, 'incidents' | 'scheduler'>, now = new Date(), matcher = sources.maintenance?.at(now)): CheckState[] {
  const healthByName = new Map(sources.health.snapshot().map((h) => [h.name, h]));
  const latest = sources.store.latestByKey();
  return checkBlocks(sources.set, sources.catalog, sources.defaultTargets).map((entry) => {
    const key = statsKey(entry.block.id, entry.target);
    const state = latest.get(key) ?? null;
    const window = matcher?.({ target: entry.target, blockId: entry.block.id, docId: entry.block.docId }) ?? null;
    return { entry, key, name: checkName(entry.block), status: checkStatus(entry.block, state, healthByName.get(entry.target), window).status, lastRunAt: state?.createdAt ?? '', latest: state, maintenance: window };
  });
}

/**
 * The dashboard for a query. The check list comes from the docs (blocks × targets); each
 * check's status comes from the `check_latest` table, one small read, so counts, filters and
 * sorting cover every check while full rows (pass rates, durations, sparklines: per-key index
 * seeks) are built for the requested page only.
 */
export function loadDashboard(sources: DashboardSources, query: DashboardQuery = {}, now = new Date()): Dashboard {
  const health = sources.health.snapshot();
  // Every row is judged at the same instant, each window's cron evaluated once for all of them.
  const maintenance = sources.maintenance?.at(now);
  const candidates = checkStates(sources, now, maintenance);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
  for (const candidate of candidates) counts[candidate.status] += 1;
  const matching = sortCandidates(
    candidates.filter(
      ({ entry, name, status }) =>
        (!query.doc || entry.block.docId === query.doc) &&
        (!query.system || entry.block.system?.name === query.system) &&
        (!query.target || entry.target === query.target) &&
        (!query.status || status === query.status) &&
        (!query.check || entry.block.id === query.check || name === query.check),
    ),
    query.sort ?? 'doc',
  );
  const offset = query.offset ?? 0;
  const page = query.limit === undefined ? matching.slice(offset) : matching.slice(offset, offset + query.limit);

  const openIncidents = new Map<string, number>();
  for (const open of sources.incidents.openCounts()) {
    const key = statsKey(open.blockId, open.target);
    openIncidents.set(key, (openIncidents.get(key) ?? 0) + open.count);
  }
  const schedules = sources.scheduler?.snapshot() ?? new Map();
  const stats = sources.store.blockTargetStats(
    now,
    page.map(({ entry }) => ({ blockId: entry.block.id, target: entry.target })),
  );
  const rows = buildCheckRows(
    { set: sources.set, catalog: sources.catalog, stats, health, openIncidents, defaultTargets: sources.defaultTargets, ...(maintenance ? { maintenance } : {}) },
    page.map((candidate) => candidate.entry),
  ).map((row) => ({ ...row, nextRunAt: schedules.get(row.key)?.nextAt ?? null, skippedWhileRunning: schedules.get(row.key)?.skipped ?? 0 }));

  const distinct = (values: Array<string | null | undefined>) => [...new Set(values.filter((v): v is string => typeof v === 'string'))].sort();
  return {
    generatedAt: now.toISOString(),
    rows,
    total: matching.length,
    offset,
    limit: query.limit ?? null,
    sort: query.sort ?? 'doc',
    targets: health,
    counts,
    options: {
      docs: distinct(candidates.map((c) => c.entry.block.docId)),
      systems: distinct(candidates.map((c) => c.entry.block.system?.name)),
      targets: distinct(candidates.map((c) => c.entry.target)),
      statuses: [...STATUSES],
    },
  };
}

/** Stable orders: the docs' own order breaks ties, so paging never shuffles rows. */
function sortCandidates(candidates: Candidate[], sort: DashboardSort): Candidate[] {
  if (sort === 'doc') return candidates;
  const rank = new Map(STATUSES.map((status, i) => [status, i]));
  const compare: Record<Exclude<DashboardSort, 'doc'>, (a: Candidate, b: Candidate) => number> = {
    status: (a, b) => rank.get(a.status)! - rank.get(b.status)!,
    name: (a, b) => a.name.localeCompare(b.name),
    target: (a, b) => a.entry.target.localeCompare(b.entry.target),
    // Newest first; never-run checks last.
    'last-run': (a, b) => (a.lastRunAt < b.lastRunAt ? 1 : a.lastRunAt > b.lastRunAt ? -1 : 0),
  };
  return candidates.toSorted(compare[sort]);
}

/** Reads the four filters from a URL's query. */
export function filtersFrom(url: URL): DashboardFilters {
  const get = (name: string) => url.searchParams.get(name) || undefined;
  return { doc: get('doc'), system: get('system'), target: get('target'), status: get('status') };
}

const pageQuerySchema = z.strictObject({
  sort: z.enum(DASHBOARD_SORTS).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
});

/** Which page of rows a URL asks for (`sort`, `offset`, `limit`), or why its values cannot be used. */
export function pageFrom(url: URL): { ok: true; page: Required<Pick<DashboardQuery, 'offset' | 'limit'>> & Pick<DashboardQuery, 'sort'> } | { ok: false; message: string } {
  const raw = Object.fromEntries(['sort', 'offset', 'limit'].flatMap((name) => (url.searchParams.get(name) ? [[name, url.searchParams.get(name)]] : [])));
  const parsed = pageQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0]);
    return {
      ok: false,
      message: `query parameter ${field}=${JSON.stringify(raw[field])} cannot be used: ${issue.message}. Expected sort one of ${DASHBOARD_SORTS.join(', ')}, offset a whole number from 0, limit a whole number from 1 to ${MAX_PAGE_SIZE}.`,
    };
  }
  return { ok: true, page: { sort: parsed.data.sort, offset: parsed.data.offset ?? 0, limit: parsed.data.limit ?? DEFAULT_PAGE_SIZE } };
}
