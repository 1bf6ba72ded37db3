import { randomUUID } from 'node:crypto';
import type { DocSet } from '../docs/index.ts';
import type { ProcedureCatalog } from '../procedures/index.ts';
import { isFinal, type RunTrigger } from './run-record.ts';
import type { RunEvents } from './run-events.ts';
import type { RunService } from './run-service.ts';
import { RunbookRunEvents } from './runbook-run-events.ts';
import type { RunbookRunRecord } from './runbook-run-record.ts';
import { runbookRunStream } from './runbook-run-stream.ts';
import { SseHeartbeat } from './sse-heartbeat.ts';
import { nextStep, planSteps, runbookOutcome, skipPending, stepFinished, stepStarted } from './runbook-steps.ts';
import type { RunbookRunQuery, RunbookRunStore } from './sqlite-runbook-run-store.ts';
import { parseStartRunbook, type RunbookRequestProblem, type StartRunbookRequest } from './start-runbook-request.ts';

/** Collaborators, built once per server. */
export interface RunbookRunServiceDeps {
  store: RunbookRunStore;
  /** Steps run through the run service, so each is an ordinary run: queued, logged, with incidents. */
  runs: Pick<RunService, 'start' | 'cancel' | 'waitFor' | 'queueFull'>;
  /** The step runs' events, to show a step running the moment its run starts. */
  runEvents: RunEvents;
  docs: { current(): Promise<DocSet> };
  catalog: ProcedureCatalog;
  defaultTargets: string[];
  now?: () => Date;
}

/** A started (or joined) runbook run, or why the request was refused. */
export type StartRunbookOutcome = { ok: true; run: RunbookRunRecord; joined: boolean } | { ok: false; problem: RunbookRequestProblem };

interface Active {
  key: string;
  cancel: AbortController;
  currentRunId: string | null;
  done: Promise<RunbookRunRecord>;
}

/**
 * Runs whole runbooks: each runnable step in document order as a run of its own, one at a
 * time, stopping at the first that does not pass unless asked to keep going. The runbook run
 * is one record grouping the step runs. A request for a runbook already going on the same
 * target, with the same steps and variables, joins that run.
 */
export class RunbookRunService {
  private readonly deps: RunbookRunServiceDeps;
  private readonly events = new RunbookRunEvents();
  /** One heartbeat timer for every runbook run's stream. */
  private readonly heartbeat = new SseHeartbeat();
  private readonly active = new Map<string, Active>();

  constructor(deps: RunbookRunServiceDeps) {
    this.deps = deps;
  }

  /** Starts a runbook run from an untrusted request body, validated as `POST /api/runbook-runs` needs. */
  async request(body: unknown, who: { actor: string; actorRole?: string | null; trigger: RunTrigger }): Promise<StartRunbookOutcome> {
    const parsed = parseStartRunbook(body, { set: await this.deps.docs.current(), catalog: this.deps.catalog, defaultTargets: this.deps.defaultTargets, ...who });
    if (!parsed.ok) return parsed;
    const full = this.joinable(parsed.request) ? null : this.deps.runs.queueFull();
    if (full) return { ok: false, problem: full };
    return { ok: true, ...this.start(parsed.request) };
  }

  /** The runbook run going for the same runbook, target and variables, if any. */
  private joinable(request: StartRunbookRequest): RunbookRunRecord | null {
    const key = joinKey(request);
    for (const [id, active] of this.active) {
      const run = active.key === key ? this.deps.store.get(id) : null;
      if (run && !isFinal(run.status)) return run;
    }
    return null;
  }

  /** Starts a runbook run, or joins the one already going for the same runbook, target and variables. */
  start(request: StartRunbookRequest): { run: RunbookRunRecord; joined: boolean } {
    const key = joinKey(request);
    const going = this.joinable(request);
    if (going) return { run: going, joined: true };
    const at = this.now();
    const run: RunbookRunRecord = {
      id: randomUUID(),
      docId: request.doc.id,
      docTitle: request.doc.title,
      planHash: request.planHash,
      target: request.target,
      status: 'running',
      failureKind: null,
      message: null,
      variables: request.variables,
      actor: request.actor,
      ...(request.actorRole ? { actorRole: request.actorRole } : {}),
      trigger: request.trigger,
      keepGoing: request.keepGoing,
      createdAt: at,
      startedAt: at,
      finishedAt: null,
      steps: planSteps(request.steps.map(({ block, name, request: step }) => ({ id: block.id, name, line: block.line, runnable: step !== null, reason: block.reason }))),
    };
    this.deps.store.insert(run);
    const active: Active = { key, cancel: new AbortController(), currentRunId: null, done: Promise.resolve(run) };
    this.active.set(run.id, active);
    active.done = this.drive(run.id, request, active).finally(() => this.active.delete(run.id));
    return { run: this.deps.store.get(run.id) ?? run, joined: false };
  }

  /** Cancels a runbook run: its current step is cancelled, and the steps after it are skipped. Null for an unknown id. */
  cancel(id: string): { run: RunbookRunRecord; changed: boolean } | null {
    const run = this.deps.store.get(id);
    if (!run) return null;
    // Whether this service is still driving it decides, not the stored status: a drive must
    // always be able to end, even one whose record another process has already closed.
    const active = this.active.get(id);
    if (!active || active.cancel.signal.aborted) return { run, changed: false };
    active.cancel.abort();
    if (active.currentRunId) this.deps.runs.cancel(active.currentRunId);
    return { run, changed: true };
  }

  /** One runbook run as stored, or null. */
  get(id: string): RunbookRunRecord | null {
    return this.deps.store.get(id);
  }

  /** Runbook runs, newest first. */
  list(query: RunbookRunQuery = {}): RunbookRunRecord[] {
    return this.deps.store.list(query);
  }

  /** The runbook run a run was a step of, or null for a run started on its own. */
  forStepRun(runId: string): RunbookRunRecord | null {
    return this.deps.store.forStepRun(runId);
  }

  /** Resolves when the runbook run has ended (at once for one already over); null for an unknown id. */
  async waitFor(id: string): Promise<RunbookRunRecord | null> {
    return this.active.get(id)?.done ?? this.deps.store.get(id);
  }

  /** The Server-Sent Events of one runbook run, or null for an unknown id. */
  stream(id: string, clientGone: AbortSignal): ReadableStream<Uint8Array> | null {
    const run = this.get(id);
    return run ? runbookRunStream(run, { store: this.deps.store, events: this.events, heartbeat: this.heartbeat }, clientGone) : null;
  }

  /** Follows every runbook run's changes; returns the unsubscribe function. */
  subscribeAll(listener: (run: RunbookRunRecord, finished: boolean) => void): () => void {
    return this.events.subscribeAll((event) => listener(event.run, event.type === 'finished'));
  }

  /** Cancels every runbook run still going and waits until they have ended. */
  async drain(): Promise<void> {
    const pending = [...this.active.entries()];
    for (const [id] of pending) this.cancel(id);
    await Promise.all(pending.map(([, active]) => active.done));
  }

  /** Start-up recovery: runbook runs a killed server left going become `interrupted`. */
  recover(): RunbookRunRecord[] {
    return this.deps.store.interruptUnfinished(this.now(), 'the server stopped while this runbook run was active');
  }

  private async drive(id: string, request: StartRunbookRequest, active: Active): Promise<RunbookRunRecord> {
    const { signal } = active.cancel;
    try {
      for (let index = nextStep(this.steps(id)); index !== null; index = nextStep(this.steps(id))) {
        if (signal.aborted) break;
        const step = request.steps[index]!;
        if (!step.request) throw new Error(`step ${step.block.id} is pending but has no run request`);
        const { run } = this.deps.runs.start(step.request);
        active.currentRunId = run.id;
        // A queued step turns running when its run does, not only when it ends.
        const unsubscribe = this.deps.runEvents.subscribe(run.id, (event) => {
          if (event.type === 'started') this.update(id, (steps) => stepStarted(steps, index, event.run));
        });
        try {
          this.update(id, (steps) => stepStarted(steps, index, run));
          const finished = await this.deps.runs.waitFor(run.id);
          if (!finished || !isFinal(finished.status)) throw new Error(`run ${run.id} of step ${step.block.id} did not finish`);
          this.update(id, (steps) => stepFinished(steps, index, finished, { keepGoing: request.keepGoing }));
        } finally {
          unsubscribe();
          active.currentRunId = null;
        }
      }
      if (signal.aborted) this.update(id, (steps) => skipPending(steps, 'skipped: the runbook run was cancelled'));
      return this.finish(id, runbookOutcome(this.steps(id), signal.aborted));
    } catch (error) {
      this.update(id, (steps) => skipPending(steps, 'skipped: runbook-live failed'));
      return this.finish(id, { status: 'errored', failureKind: 'internal', message: (error as Error).message });
    }
  }

  private steps(id: string): RunbookRunRecord['steps'] {
    return this.deps.store.get(id)?.steps ?? [];
  }

  private update(id: string, change: (steps: RunbookRunRecord['steps']) => RunbookRunRecord['steps']): void {
    const updated = this.deps.store.update(id, { steps: change(this.steps(id)) });
    this.events.publish({ type: 'updated', run: updated });
  }

  private finish(id: string, outcome: Pick<RunbookRunRecord, 'status' | 'failureKind' | 'message'>): RunbookRunRecord {
    const finished = this.deps.store.update(id, { ...outcome, finishedAt: this.now() });
    this.events.publish({ type: 'finished', run: finished });
    return finished;
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }
}

function joinKey(request: StartRunbookRequest): string {
  const variables = Object.entries(request.variables).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([request.doc.id, request.planHash, request.target, request.keepGoing, variables]);
}
