import path from 'node:path';
import { AuditLog } from '../audit/index.ts';
import { Authenticator, generateToken, loadOrCreateSigningKey } from '../auth/index.ts';
import type { AppConfig } from '../config/index.ts';
import { DashboardService } from '../dashboard/index.ts';
import { DocsRepository, GitHistory, RenderedDocCache } from '../docs/index.ts';
import { SlidingWindowLimiter } from '../http/index.ts';
import { IncidentService, OutboxNotifier, resolveWebhookSettings, SqliteIncidentStore, SqliteMaintenanceRuns, SqliteWebhookOutbox, WebhookDispatcher } from '../incidents/index.ts';
import { createPooledMarkdownRenderer } from '../markdown/index.ts';
import { ProcedureCatalog } from '../procedures/index.ts';
import { RunbookRunService, RunEvents, RunRetention, RunService, SqliteRunbookRunStore, SqliteRunStore } from '../runs/index.ts';
import { RunbookScheduler, Scheduler } from '../schedules/index.ts';
import { CacheTags } from './cached-routes.ts';
import { DocSearch } from '../search/index.ts';
import { PageCache } from './page-cache.ts';
import { ProcessMetrics } from './process-metrics.ts';
import { DockerTargets, InvalidSystemsConfigError, MaintenanceWindows, TargetHealthMonitor, defaultSystemsConfig, followMaintenanceBoundaries, loadSystemsConfig, type SystemsConfig } from '../systems/index.ts';

/** How the core is used: a server does everything; a CLI run only runs and records. */
export interface CoreOptions {
  /**
   * `server` recovers from a previous crash, probes targets, runs schedules and renders pages.
   * `cli` does none of these: recovery would interrupt a live server's runs in the same data folder.
   */
  mode: 'server' | 'cli';
  /** Where warnings that are not a request's answer go (failed webhook deliveries). */
  warn?: (message: string) => void;
}

/** Everything long-lived, built once: the server, the CLI and the tests all get theirs from `createCore`. */
export interface Core {
  config: AppConfig;
  systems: SystemsConfig;
  /** Why the systems configuration could not be used; blocks then run nowhere. */
  systemsProblem: string | null;
  docs: DocsRepository;
  catalog: ProcedureCatalog;
  targets: DockerTargets;
  runs: RunService;
  /** Whole runbooks run step by step, each step a run of `runs`. */
  runbooks: RunbookRunService;
  /** Run starts per actor per minute (`runs.start_rate_per_minute`), kept for the life of the server. */
  startLimiter: SlidingWindowLimiter;
  incidents: IncidentService;
  /** The webhook outbox and its delivery: each incident's notifications, and why they are held, if they are. */
  webhooks: WebhookDispatcher;
  dashboard: DashboardService;
  health: TargetHealthMonitor;
  scheduler: Scheduler;
  /** Starts whole runbooks that declare an interval. */
  runbookScheduler: RunbookScheduler;
  /** Who a request is: tokens, session cookies, trusted proxies, the anonymous rule. */
  auth: Authenticator;
  /** Why the `auth` section could not be used (then only the admin token signs in). */
  authProblem: string | null;
  /**
   * The admin token when this process made it up (RUNBOOK_LIVE_TOKEN unset and no launcher
   * passed one): the server prints its sign-in URL. Null when it came from the environment.
   */
  generatedAdminToken: string | null;
  /** Every attempted change, allowed or refused; `audit.record({...})` adds one. */
  audit: AuditLog;
  /** Run retention by `runs.retention`: prunes in the background, reports the database for the health page. */
  retention: RunRetention;
  /** Rendered doc pages; null in `cli` mode, which renders nothing. */
  pages: RenderedDocCache | null;
  /** Who last changed each doc, from the repository's history; null in `cli` mode. */
  git: GitHistory | null;
  /** Whole rendered GET answers, in front of Astro (src/middleware.ts); null in `cli` mode. */
  pageCache: PageCache | null;
  /** Event-loop delay and memory for `/metrics`; null in `cli` mode. */
  processMetrics: ProcessMetrics | null;
  /** Full-text search over the docs, indexed on the first search; null in `cli` mode, which searches nothing. */
  search: DocSearch | null;
  /** Starts what a server does in the background (recovery's clean-up, probes, schedules); later calls do nothing. */
  startBackground(): void;
  /** Stops schedules and probes, cancels runs still going, waits for incident bookkeeping (a CLI then tries its webhook deliveries once), closes the database. */
  close(): Promise<void>;
}

/** The part of the core that reads configuration and docs and writes nothing: enough to validate a request. */
export interface CoreSetup {
  systems: SystemsConfig;
  systemsProblem: string | null;
  docs: DocsRepository;
  catalog: ProcedureCatalog;
  targets: DockerTargets;
}

/** How long a server waits for its first response before starting background work regardless. */
const BACKGROUND_FALLBACK_MS = 2_000;

/** Reads the systems configuration and points at the docs; opens no database and starts nothing. */
export function readSetup(config: AppConfig): CoreSetup {
  const { systems, systemsProblem } = readSystems(config.systemsConfig);
  const docs = new DocsRepository(config.docsDir, { repoDir: config.repoDir ?? null, rules: systems.docs.rules, maxDocBytes: systems.docs.max_doc_bytes });
  return { systems, systemsProblem, docs, catalog: new ProcedureCatalog(systems), targets: new DockerTargets(systems) };
}

/**
 * Builds the core for a configuration, on a setup already read (the CLI validates its
 * arguments against one first). A server's core also recovers from a previous server's crash.
 */
export async function createCore(config: AppConfig, options: CoreOptions, setup: CoreSetup = readSetup(config)): Promise<Core> {
  const { systems, systemsProblem, docs, catalog, targets } = setup;
  const server = options.mode === 'server';
  // Bodies render in worker threads, under a time budget; the pool starts with the first doc page.
  const pages = server ? new RenderedDocCache(() => createPooledMarkdownRenderer({ timeoutMs: systems.docs.render_timeout_ms }), { repoUrl: systems.repo.url ?? null }) : null;
  // The history is walked in the background on the first doc page, never at start-up.
  const git = server ? new GitHistory(docs.location, { warn: options.warn ?? console.error }) : null;
  const store = new SqliteRunStore(path.join(config.dataDir, 'runbook-live.sqlite'));
  const events = new RunEvents();
  const generatedAdminToken = config.adminToken ? null : generateToken();
  const auth = new Authenticator({ config: systems.auth.config, adminToken: config.adminToken ?? generatedAdminToken!, key: loadOrCreateSigningKey(config.dataDir) });
  const audit = new AuditLog({ database: store.database, retentionDays: systems.auth.config.audit.retention_days, ...(options.warn ? { warn: options.warn } : {}) });
  const runs = new RunService({ store, events, targets, docs, catalog, concurrency: systems.runs.concurrency, logLimitBytes: systems.runs.log_limit_bytes, queueLimit: systems.runs.queue_limit });
  const { keep_last: keepLast, keep_days: keepDays } = systems.runs.retention;
  // The page cache is made further down; a prune only runs once the background work starts.
  const retention = new RunRetention({ store, policy: { keepLast, keepDays }, onPruned: () => pageCache?.changed(), ...(options.warn ? { warn: options.warn } : {}) });
  const startLimiter = new SlidingWindowLimiter({ limit: systems.runs.start_rate_per_minute, windowMs: 60_000 });
  const runbooks = new RunbookRunService({ store: new SqliteRunbookRunStore(store.database), runs, runEvents: events, docs, catalog, defaultTargets: targets.names() });
  // Work that talks to the engines (recovery's clean-up, probes, schedules) waits for
  // `startBackground()`: the server calls it once its first response is rendered, so that
  // page never waits on loading the Docker client or on a slow engine.
  let startBackground!: () => void;
  const backgroundStarted = new Promise<void>((resolve) => (startBackground = resolve));
  // Recovery marks a killed server's runs interrupted now and cleans their containers later;
  // runs started meanwhile wait for it.
  if (server) {
    runs.recover(backgroundStarted).catch((error: unknown) => (options.warn ?? console.error)(`runbook-live: start-up recovery failed: ${(error as Error).message}`));
    runbooks.recover();
  }
  const { webhook, site_url: siteUrl } = systems.notifications;
  const outbox = new SqliteWebhookOutbox(store.database);
  const { settings: webhookSettings, held } = resolveWebhookSettings(webhook, systems.source ?? config.systemsConfig);
  if (held) (options.warn ?? console.error)(`runbook-live: ${held}`);
  // Delivery counts are on the (cached) health page; incident pages are not cached.
  const webhooks = new WebhookDispatcher({ outbox, settings: webhookSettings, held, onChange: () => pageCache?.cache.invalidate(CacheTags.runs), ...(options.warn ? { warn: options.warn } : {}) });
  const incidents = new IncidentService({
    incidents: new SqliteIncidentStore(store.database),
    runs: store,
    events,
    docs,
    // Notifications are recorded even while held, so none is lost while the secret is fixed.
    notifier: webhookSettings ? new OutboxNotifier(outbox, webhookSettings.format, () => webhooks.wake()) : null,
    baseUrl: siteUrl ?? null,
    maintenance: new SqliteMaintenanceRuns(store.database, systems.maintenance ?? MaintenanceWindows.none()),
  });
  // Failures found by the CLI are incidents like any other: same store, same webhook.
  incidents.start();
  const health = new TargetHealthMonitor(targets, Object.fromEntries(Object.entries(systems.targets).map(([name, target]) => [name, target.url])));
  const startupWindowSeconds = systems.schedules.startup_window_seconds;
  const scheduler = new Scheduler({ docs, catalog, runs, defaultTargets: targets.names(), startupWindowSeconds });
  const runbookScheduler = new RunbookScheduler({ docs, catalog, runbooks, systems, defaultTargets: targets.names(), startupWindowSeconds });
  const unsubscribe = server ? followRunsForHealth(events, health) : () => {};
  let closed = false;
  // Without a first request (an idle server), the background work starts shortly anyway.
  const fallback = server ? setTimeout(startBackground, BACKGROUND_FALLBACK_MS) : null;
  if (server) {
    // A later turn again, so the response that triggered it is written out first.
    void backgroundStarted.then(() => {
      if (fallback) clearTimeout(fallback);
      setImmediate(() => {
        if (closed) return;
        health.start();
        audit.start();
        retention.start();
        // RUNBOOK_LIVE_SCHEDULES=off: the schedules still show on the dashboard, nothing starts them.
        if (config.runSchedules !== false) {
          scheduler.start();
          runbookScheduler.start();
        }
        webhooks.start();
      });
    });
  }
  const dashboard = new DashboardService({ docs, catalog, runs, runbooks, systems, incidents, health, scheduler: server ? scheduler : null, runbookScheduler: server ? runbookScheduler : null, defaultTargets: targets.names() });
  const pageCache = server ? new PageCache({ docs, git, events, runbooks, incidents, liveStreams: runs.live, othersWriteVersion: () => store.othersWriteVersion(), earlyAnswers: systems.auth.config.trusted_proxies.length === 0 }) : null;
  // Search reads the doc set the page cache keeps in step with the watched folder, so a search
  // does not list and stat every file again when nothing changed.
  const search = pageCache ? new DocSearch({ current: () => pageCache.docSet() }) : null;
  // A window starting or ending changes rows, badges and metrics with no run to announce it.
  const stopBoundaries = server && systems.maintenance
    ? followMaintenanceBoundaries(systems.maintenance, () => {
        pageCache?.changed();
        runs.live.announceMaintenance();
      })
    : () => {};
  const processMetrics = server ? new ProcessMetrics() : null;
  let closing: Promise<void> | null = null;
  return {
    config,
    systems,
    systemsProblem,
    docs,
    catalog,
    targets,
    runs,
    runbooks,
    startLimiter,
    incidents,
    webhooks,
    dashboard,
    health,
    scheduler,
    runbookScheduler,
    auth,
    authProblem: systems.auth.problem,
    generatedAdminToken,
    audit,
    retention,
    pages,
    git,
    pageCache,
    processMetrics,
    search,
    startBackground: () => startBackground(),
    close: () =>
      (closing ??= (async () => {
        closed = true;
        if (fallback) clearTimeout(fallback);
        scheduler.stop();
        runbookScheduler.stop();
        health.stop();
        audit.stop();
        await retention.stop();
        unsubscribe();
        stopBoundaries();
        pageCache?.close();
        processMetrics?.stop();
        // Runbook runs first: draining runs alone would let a runbook start its next step.
        await runbooks.drain();
        await runs.drain();
        await incidents.settled();
        incidents.stop();
        // A CLI tries its notifications once before it exits; what is left waits for a server.
        if (!server) await webhooks.flush();
        await webhooks.stop();
        await pages?.close();
        search?.close();
        store.close();
      })()),
  };
}

/** A run that could not reach its engine is news about the target, before the next probe. */
function followRunsForHealth(events: RunEvents, health: TargetHealthMonitor): () => void {
  return events.subscribeAll((_runId, event) => {
    if (event.type === 'finished' && event.run.failureKind === 'docker_unreachable') health.markUnreachable(event.run.target, event.run.message ?? 'unreachable');
    if (event.type === 'finished' && event.run.status === 'passed') void health.probe();
  });
}

function readSystems(file: string): { systems: SystemsConfig; systemsProblem: string | null } {
  try {
    return { systems: loadSystemsConfig(file), systemsProblem: null };
  } catch (error) {
    if (!(error instanceof InvalidSystemsConfigError)) throw error;
    // Docs stay readable; every block shows as manual until the file is fixed.
    return { systems: defaultSystemsConfig(file, error.auth), systemsProblem: error.message };
  }
}
