import path from 'node:path';
import type { AppConfig } from '../config/index.ts';
import { DocsRepository } from '../docs/index.ts';
import { RenderedDocCache } from '../docs/index.ts';
import { createMarkdownRenderer } from '../markdown/index.ts';
import { ProcedureCatalog } from '../procedures/index.ts';
import { InvalidSystemsConfigError, loadSystemsConfig, type SystemsConfig } from '../systems/index.ts';
import { DockerTargets } from '../systems/index.ts';
import { SqliteRunStore } from '../runs/index.ts';
import { RunEvents } from '../runs/index.ts';
import { RunService } from '../runs/index.ts';
import { SqliteIncidentStore } from '../incidents/index.ts';
import { IncidentService } from '../incidents/index.ts';
import { WebhookNotifier } from '../incidents/index.ts';
import { TargetHealthMonitor } from '../systems/index.ts';
import { Scheduler } from '../schedules/index.ts';
import { loadDashboard, type Dashboard, type DashboardFilters } from '../dashboard/index.ts';
import { blockTargetStats, type BlockTargetStats } from '../runs/index.ts';

/** The long-lived collaborators every route uses, built once per server. */
export interface Services {
  config: AppConfig;
  systems: SystemsConfig;
  /** Why the systems configuration could not be used; blocks then run nowhere. */
  systemsProblem: string | null;
  docs: DocsRepository;
  rendered: RenderedDocCache;
  catalog: ProcedureCatalog;
  targets: DockerTargets;
  store: SqliteRunStore;
  events: RunEvents;
  runs: RunService;
  incidentStore: SqliteIncidentStore;
  incidents: IncidentService;
  health: TargetHealthMonitor;
  scheduler: Scheduler;
  /** The dashboard's rows for the current docs. */
  dashboard(filters?: DashboardFilters): Promise<Dashboard>;
  /** Run statistics per block and target, for freshness on doc pages and the catalogue. */
  runStats(): Map<string, BlockTargetStats>;
}

/** Builds the services for a configuration, and recovers from a previous server's crash. */
export async function createServices(config: AppConfig): Promise<Services> {
  const { systems, systemsProblem } = readSystems(config.systemsConfig);
  const renderer = await createMarkdownRenderer();
  const store = new SqliteRunStore(path.join(config.dataDir, 'runbook-live.sqlite'));
  const events = new RunEvents();
  const targets = new DockerTargets(systems);
  const runs = new RunService({ store, events, targets, concurrency: systems.runs.concurrency, logLimitBytes: systems.runs.log_limit_bytes });
  await runs.recover();
  const docs = new DocsRepository(config.docsDir);
  const incidentStore = new SqliteIncidentStore(store.database);
  const { webhook, site_url: siteUrl } = systems.notifications;
  const incidents = new IncidentService({
    incidents: incidentStore,
    runs: store,
    events,
    docs,
    notifier: webhook ? new WebhookNotifier(webhook) : null,
    baseUrl: siteUrl ?? null,
  });
  incidents.start();
  const health = new TargetHealthMonitor(targets, Object.fromEntries(Object.entries(systems.targets).map(([name, target]) => [name, target.url])));
  health.start();
  // A run that could not reach its engine is news about the target, before the next probe.
  events.subscribeAll((_runId, event) => {
    if (event.type === 'finished' && event.run.failureKind === 'docker_unreachable') health.markUnreachable(event.run.target, event.run.message ?? 'unreachable');
    if (event.type === 'finished' && event.run.status === 'passed') void health.probe();
  });
  const catalog = new ProcedureCatalog(systems);
  const scheduler = new Scheduler({ docs, catalog, runs, store, defaultTargets: targets.names() });
  scheduler.start();
  return {
    config,
    systems,
    systemsProblem,
    docs,
    rendered: new RenderedDocCache(renderer),
    catalog,
    targets,
    store,
    events,
    runs,
    incidentStore,
    incidents,
    health,
    scheduler,
    runStats: () => blockTargetStats(store.database, new Date()),
    dashboard: async (filters = {}) =>
      loadDashboard({ set: await docs.current(), catalog, store, incidents: incidentStore, health, scheduler, defaultTargets: targets.names() }, filters),
  };
}

function readSystems(file: string): { systems: SystemsConfig; systemsProblem: string | null } {
  try {
    return { systems: loadSystemsConfig(file), systemsProblem: null };
  } catch (error) {
    if (!(error instanceof InvalidSystemsConfigError)) throw error;
    // Docs stay readable; every block shows as manual until the file is fixed.
    return {
      systems: { source: file, targets: { local: { url: 'unix:///var/run/docker.sock' } }, systems: new Map(), runs: { concurrency: 2, timeout_seconds: 900, log_limit_bytes: 1_048_576 }, notifications: {} },
      systemsProblem: error.message,
    };
  }
}
