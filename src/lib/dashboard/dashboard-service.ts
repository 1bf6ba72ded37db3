import type { DocRecord, DocSet, DocsRepository } from '../docs/index.ts';
import type { IncidentService } from '../incidents/index.ts';
import { blockAnchor, blockIdParts, buildCitationIndex, buildSchemaCitationIndex, type ProcedureCatalog } from '../procedures/index.ts';
import { statsKey, type RunbookRunService, type RunService } from '../runs/index.ts';
import { runbookEvery, type RunbookScheduler, type Scheduler } from '../schedules/index.ts';
import type { SystemsConfig } from '../systems/index.ts';
import type { TargetHealthMonitor } from '../systems/index.ts';
import { checkStates, loadDashboard, type Dashboard, type DashboardFilters, type DashboardQuery, type DashboardSources } from './dashboard-data.ts';
import { docFreshness, type DocFreshness } from './doc-freshness.ts';
import { prometheusMetrics } from './prometheus-metrics.ts';
import { startRows } from './run-all.ts';
import { buildRunbookRows, type RunbookRow } from './runbook-rows.ts';
import { statusBadgeSvg, worstStatus } from './status-badge.ts';
import { validatedBy, verifiedBy, type ValidatedByEntry, type VerifiedByEntry } from './verified-by.ts';

/** Collaborators, built once by the core. */
export interface DashboardServiceDeps {
  docs: Pick<DocsRepository, 'current'>;
  catalog: ProcedureCatalog;
  runs: RunService;
  runbooks: Pick<RunbookRunService, 'list'>;
  /** For runbook schedules and maintenance windows declared in the configuration. */
  systems: Pick<SystemsConfig, 'runbooks' | 'maintenance'>;
  incidents: Pick<IncidentService, 'openCounts'>;
  health: TargetHealthMonitor;
  scheduler: Scheduler | null;
  runbookScheduler: RunbookScheduler | null;
  defaultTargets: string[];
}

/** What the dashboard, the badges, the metrics and each doc's freshness are read from. */
export class DashboardService {
  private readonly deps: DashboardServiceDeps;

  constructor(deps: DashboardServiceDeps) {
    this.deps = deps;
  }

  /** The checks' rows on every target, filtered, sorted and paged, with counts over all rows. */
  async load(query: DashboardQuery = {}): Promise<Dashboard> {
    return loadDashboard(await this.sources(), query);
  }

  private async sources(): Promise<DashboardSources> {
    const { catalog, runs, incidents, health, scheduler, defaultTargets } = this.deps;
    const store = { blockTargetStats: (now: Date, keys?: Array<{ blockId: string; target: string }>) => runs.stats(now, keys), latestByKey: () => runs.latestByKey() };
    const maintenance = this.deps.systems.maintenance;
    return { set: await this.deps.docs.current(), catalog, store, incidents, health, scheduler, defaultTargets, ...(maintenance ? { maintenance } : {}) };
  }

  /** Runnable runbooks on each of their targets, with their latest runbook run and schedule: the first `limit`, and how many there are. */
  async runbookRows(filters: Pick<DashboardFilters, 'doc' | 'target'> = {}, limit?: number): Promise<{ rows: RunbookRow[]; total: number }> {
    const set = await this.deps.docs.current();
    const schedules = this.deps.runbookScheduler?.snapshot() ?? new Map<string, { nextAt: string }>();
    return buildRunbookRows(
      {
        set,
        catalog: this.deps.catalog,
        runbooks: this.deps.runbooks,
        defaultTargets: this.deps.defaultTargets,
        scheduleOf: (docId) => {
          const doc = set.byId.get(docId);
          return doc ? (runbookEvery(doc, this.deps.systems)?.label ?? null) : null;
        },
        nextRunOf: (key) => schedules.get(key)?.nextAt ?? null,
      },
      { doc: filters.doc, target: filters.target, limit },
    );
  }

  /** A check's status badge: 404 with an "unknown" badge when no check has that id or name. */
  async badge(id: string, target: string | undefined): Promise<{ status: 200 | 404; svg: string }> {
    // Only this check's rows are built, not the whole dashboard's.
    const { rows: mine } = await this.load({ check: id, ...(target ? { target } : {}) });
    const label = mine[0]?.name ?? (blockIdParts(id).local || id);
    return { status: mine.length === 0 ? 404 : 200, svg: statusBadgeSvg(label, mine.length === 0 ? 'unknown' : worstStatus(mine.map((row) => row.status))) };
  }

  /** The Prometheus text exposition of every check, its runs and open incidents. */
  async metrics(): Promise<string> {
    // From check_latest alone: building full rows would read every check's recent runs.
    const states = checkStates(await this.sources());
    const checks = new Set(states.map((state) => state.key));
    const runs = this.deps.runs.countsByStatus().filter((count) => checks.has(statsKey(count.blockId, count.target)));
    const rows = states.map((state) => ({
      blockId: state.entry.block.id,
      target: state.entry.target,
      status: state.status,
      maintenance: state.maintenance,
      lastFinished: state.latest?.lastFinished ?? null,
    }));
    return prometheusMetrics(rows, runs, this.deps.incidents.openCounts(), this.deps.health.snapshot());
  }

  /** Queues every runnable check matching the filters, joining runs already going. */
  async runAll(filters: DashboardFilters, actor: string, actorRole: string | null = null): Promise<ReturnType<typeof startRows>> {
    const dashboard = await this.load(filters);
    return startRows(dashboard.rows, await this.deps.docs.current(), this.deps.catalog, this.deps.runs, actor, actorRole);
  }

  /** How each doc's runnable checks stand, for every doc at once: one read of check_latest, not of the runs. */
  freshnessOf(set: DocSet): (doc: DocRecord) => DocFreshness | null {
    const latest = this.deps.runs.latestByKey();
    const stats = {
      get: (key: string) => {
        const state = latest.get(key);
        return state ? { latest: state, lastFinished: state.lastFinished } : undefined;
      },
    };
    return (doc) => docFreshness(this.deps.catalog.blocksOf(doc, set), stats, this.deps.defaultTargets);
  }

  /** The checks citing a doc, with their latest verdicts per target. */
  verifiedBy(set: DocSet, doc: DocRecord): VerifiedByEntry[] {
    return verifiedBy(buildCitationIndex(set, this.deps.catalog).get(doc.id) ?? [], this.deps.runs, this.deps.defaultTargets);
  }

  /** The doc's schema blocks, with the checks validating against each and their latest verdicts per target. */
  validatedBy(set: DocSet, doc: DocRecord): ValidatedByEntry[] {
    const schemas = this.deps.catalog
      .blocksOf(doc, set)
      .flatMap((block) => (block.kind === 'schema' && typeof block.annotations.name === 'string' ? [{ ref: `${doc.id}#${block.annotations.name}`, name: block.annotations.name, anchor: blockAnchor(block.id) }] : []));
    if (schemas.length === 0) return [];
    return validatedBy(schemas, buildSchemaCitationIndex(set, this.deps.catalog), this.deps.runs, this.deps.defaultTargets);
  }
}
