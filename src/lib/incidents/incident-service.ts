import type { DocsRepository } from '../docs/index.ts';
import type { RunEvents } from '../runs/index.ts';
import { checkVerdicts, type RunRecord, type RunStore } from '../runs/index.ts';
import type { ActiveMaintenance } from '../systems/index.ts';
import { exportIncident, type ExportedIncident } from './export-incident.ts';
import type { Incident, IncidentEvent } from './incident-record.ts';
import { matchSection } from './match-section.ts';
import type { SqliteIncidentStore } from './sqlite-incident-store.ts';
import type { SqliteMaintenanceRuns } from './sqlite-maintenance-runs.ts';
import { troubleshootingSections, troubleshootingSectionsOf } from './troubleshooting-sections.ts';
import type { IncidentNotifier } from './webhook-notifier.ts';

/** Collaborators, built once per server. */
export interface IncidentServiceDeps {
  incidents: SqliteIncidentStore;
  runs: RunStore;
  events: RunEvents;
  docs: DocsRepository;
  notifier: IncidentNotifier | null;
  /** The site's base URL for links in notifications, when known. */
  baseUrl: string | null;
  /** Marks runs that end in a maintenance window; absent when none are declared. */
  maintenance?: SqliteMaintenanceRuns;
}

/** Narrowing of an incident listing. */
export type IncidentFilter = Parameters<SqliteIncidentStore['list']>[0];

/** An incident with its timeline, as its page and API show it. */
export type IncidentDetail = Incident & { timeline: IncidentEvent[] };

// Cancelled and interrupted runs say nothing about the system under test.
const NOT_A_FAILURE = new Set(['cancelled', 'interrupted']);
const EXCERPT_LINES = 12;

/**
 * Turns finished runs into incidents: a failure opens one (or joins the open one for the
 * same check, target and failure kind) linked to the troubleshooting section that explains
 * it; a pass resolves every open incident of that check on that target. A failure that ends
 * in a maintenance window opens nothing and notifies no one; a pass there still resolves.
 */
export class IncidentService {
  private readonly deps: IncidentServiceDeps;
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(deps: IncidentServiceDeps) {
    this.deps = deps;
  }

  /** Starts following finished runs. */
  start(): void {
    this.unsubscribe ??= this.deps.events.subscribeAll((_runId, event) => {
      if (event.type === 'finished') void this.handle(event.run);
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Resolves once every finished run seen so far has been handled. */
  settled(): Promise<unknown> {
    return this.queue;
  }

  /** Processes one finished run; calls are serialised so two failures never open two incidents. */
  handle(run: RunRecord): Promise<unknown> {
    this.queue = this.queue.then(() => this.process(run)).catch((error) => console.error(`incident bookkeeping failed for run ${run.id}:`, error));
    return this.queue;
  }

  /** Incidents, open ones first. */
  list(filter: IncidentFilter = {}): Incident[] {
    return this.deps.incidents.list(filter);
  }

  /** One incident with its timeline, or null. */
  detail(id: string): IncidentDetail | null {
    const incident = this.deps.incidents.get(id);
    return incident ? { ...incident, timeline: this.deps.incidents.events(id) } : null;
  }

  /** The incident a failed run opened or was counted in (a runbook step links to it), or null. */
  forRun(runId: string): Incident | null {
    return this.deps.incidents.forRun(runId);
  }

  /** The maintenance window a run ended in, as recorded when its end was handled, or null. */
  maintenanceOf(runId: string): ActiveMaintenance | null {
    return this.deps.maintenance?.of(runId) ?? null;
  }

  /** Open incidents per check, target and failure kind. */
  openCounts(): Array<{ blockId: string; target: string; failureKind: string; count: number }> {
    return this.deps.incidents.openCounts();
  }

  /** The incident as a markdown doc linking back to its runbook section, or null. */
  async export(id: string): Promise<ExportedIncident | null> {
    const incident = this.deps.incidents.get(id);
    if (!incident) return null;
    const set = await this.deps.docs.current();
    const sectionPath = incident.section ? (set.byId.get(incident.section.docId)?.path ?? null) : null;
    return exportIncident(incident, this.deps.incidents.events(id), sectionPath);
  }

  /** Acknowledges an open incident. */
  acknowledge(id: string, actor: string, actorRole: string | null = null): Incident | null {
    const incident = this.deps.incidents.get(id);
    if (!incident || incident.status !== 'open') return incident;
    return this.deps.incidents.record(id, { at: now(), type: 'acknowledged', runId: null, actor, actorRole, text: null, excerpt: null }, { status: 'acknowledged', acknowledgedBy: actor });
  }

  /** Adds a note to the timeline. */
  note(id: string, actor: string, text: string, actorRole: string | null = null): Incident | null {
    if (!this.deps.incidents.get(id)) return null;
    return this.deps.incidents.record(id, { at: now(), type: 'note', runId: null, actor, actorRole, text, excerpt: null }, {});
  }

  /** Resolves an incident by hand. */
  resolve(id: string, actor: string, text: string | null, actorRole: string | null = null): Incident | null {
    const incident = this.deps.incidents.get(id);
    if (!incident || incident.status === 'resolved') return incident;
    return this.deps.incidents.record(id, { at: now(), type: 'resolved', runId: null, actor, actorRole, text, excerpt: null }, { status: 'resolved', resolvedAt: now() }, (resolved) => this.notify('incident.resolved', resolved));
  }

  private async process(run: RunRecord): Promise<void> {
    const inMaintenance = this.deps.maintenance?.note(run) ?? null;
    if (run.status === 'passed') return this.autoResolve(run);
    if ((run.status !== 'failed' && run.status !== 'errored') || !run.failureKind || NOT_A_FAILURE.has(run.failureKind)) return;
    // Planned work: the failure is kept with its run, marked, and opens or notifies nothing.
    if (inMaintenance) return;
    const failed = checkVerdicts(run.result).filter((v) => v.status === 'failed');
    const assertion = run.failureKind === 'contract_violation' ? (failed[0]?.label ?? null) : null;
    const key = { blockId: run.blockId, target: run.target, failureKind: run.failureKind, assertion };
    const excerpt = this.excerpt(run);
    const open = this.deps.incidents.findOpen(key);
    if (open) {
      this.deps.incidents.record(open.id, { at: now(), type: 'failed-again', runId: run.id, actor: null, text: run.message, excerpt }, { failures: open.failures + 1, lastRunId: run.id });
      return;
    }
    const set = await this.deps.docs.current();
    const own = set.byId.get(run.docId);
    const others = set.docs.filter((doc) => doc !== own && doc.type === 'runbook');
    const text = [run.message ?? '', ...failed.map((v) => `${v.label}: ${v.actual}`)].join('\n');
    const section = matchSection(
      { kind: run.failureKind, assertion, text },
      own ? troubleshootingSections(own) : [],
      await troubleshootingSectionsOf(others),
    );
    const at = now();
    this.deps.incidents.open(
      {
        blockId: run.blockId,
        docId: run.docId,
        target: run.target,
        failureKind: run.failureKind,
        assertion,
        status: 'open',
        section: section ? { docId: section.docId, anchor: section.anchor, title: section.title } : null,
        openedAt: at,
        updatedAt: at,
        resolvedAt: null,
        acknowledgedBy: null,
        failures: 1,
        lastRunId: run.id,
        message: run.message,
      },
      { at, type: 'opened', runId: run.id, actor: null, text: run.message, excerpt },
      (opened) => this.notify('incident.opened', opened),
    );
  }

  private async autoResolve(run: RunRecord): Promise<void> {
    for (const incident of this.deps.incidents.list({ blockId: run.blockId, target: run.target, openOnly: true })) {
      this.deps.incidents.record(
        incident.id,
        { at: now(), type: 'auto-resolved', runId: run.id, actor: null, text: `${run.blockId} passed again on ${run.target}`, excerpt: null },
        { status: 'resolved', resolvedAt: now() },
        (resolved) => this.notify('incident.resolved', resolved),
      );
    }
  }

  private excerpt(run: RunRecord): string {
    const lines = this.deps.runs.getLogs(run.id);
    return lines.slice(-EXCERPT_LINES).map((line) => line.text).join('\n');
  }

  /** Records the notification inside the incident's own transaction: both are kept, or neither. */
  private notify(event: 'incident.opened' | 'incident.resolved', incident: Incident): void {
    this.deps.notifier?.notify({ event, incident, url: this.deps.baseUrl ? `${this.deps.baseUrl}/incidents/${incident.id}` : null, at: now() });
  }
}

function now(): string {
  return new Date().toISOString();
}
