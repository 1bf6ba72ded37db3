import { randomUUID } from 'node:crypto';
import type { DocSet } from '../docs/index.ts';
import type { ExecutableStep, ProcedureBlock, ProcedureCatalog } from '../procedures/index.ts';
import type { DockerTargets } from '../systems/index.ts';
import { RUN_ID_LABEL } from '../docker/index.ts';
import { executeSteps, type StepExecutor } from './execute-steps.ts';
import { LiveStreams } from './live-streams.ts';
import { RunLog } from './run-log.ts';
import { RunQueue } from './run-queue.ts';
import { queueFullProblem, type QueueFullProblem } from './queue-limit.ts';
import { isFinal, transition, type LogLine, type RunDetail, type RunRecord, type RunTrigger } from './run-record.ts';
import { runEventStream } from './run-event-stream.ts';
import type { RunEvents } from './run-events.ts';
import type { RunQuery, RunStore } from './run-store.ts';
import type { BlockTargetStats } from './sqlite-run-stats.ts';
import type { LatestState } from './sqlite-check-latest.ts';
import { parseStartRun, type RequestProblem, type StartRunRequest } from './start-run-request.ts';

export type { RunPin, StartRunRequest } from './start-run-request.ts';

/** Collaborators and limits, built once per server. */
export interface RunServiceDeps {
  store: RunStore;
  events: RunEvents;
  targets: Pick<DockerTargets, 'client' | 'names'>;
  /** The current docs and their blocks, for requests that name a block by id and hash. */
  docs: { current(): Promise<DocSet> };
  catalog: ProcedureCatalog;
  concurrency: number;
  logLimitBytes: number;
  /** Runs allowed to wait in the queue; a request that would queue one more is refused (429). Unlimited when absent. */
  queueLimit?: number;
  now?: () => Date;
  /** How a block's steps are executed; the Docker-backed `executeSteps` unless a test passes its own. */
  execute?: StepExecutor;
}

/** A started (or joined) run, or why the request was refused. */
export type StartOutcome = { ok: true; run: RunRecord; joined: boolean } | { ok: false; problem: RequestProblem };

/**
 * Starts, queues, joins and cancels runs. At most `concurrency` run at once; a request for
 * a block that is already queued or running on the same target joins that run instead of
 * starting a second one.
 */
export class RunService {
  private readonly deps: RunServiceDeps;
  private readonly queue: RunQueue;
  private readonly active = new Map<string, string>();
  private readonly cancels = new Map<string, AbortController>();
  private readonly liveLogs = new Map<string, RunLog>();
  private readonly settled = new Map<string, { promise: Promise<RunRecord>; resolve: (run: RunRecord) => void }>();
  private recovering: Promise<unknown> | null = null;
  /** The SSE streams' shared heartbeat and the dashboard's broadcast, with their counts for `/metrics`. */
  readonly live: LiveStreams;

  constructor(deps: RunServiceDeps) {
    this.deps = deps;
    this.live = new LiveStreams(deps.events);
    this.queue = new RunQueue(deps.concurrency, () => this.announcePositions());
  }

  /**
   * Starts a run from an untrusted request body that names a block by id and hash, checked
   * against the current docs exactly as `POST /api/runs` needs.
   */
  async request(body: unknown, who: { actor: string; actorRole?: string | null; trigger: RunTrigger }): Promise<StartOutcome> {
    const parsed = parseStartRun(body, { set: await this.deps.docs.current(), catalog: this.deps.catalog, defaultTargets: this.deps.targets.names(), ...who });
    if (!parsed.ok) return parsed;
    // Joining adds nothing to the queue, so a full queue still lets a request join.
    const full = this.going(joinKey(parsed.request)) ? null : this.queueFull();
    if (full) return { ok: false, problem: full };
    return { ok: true, ...this.start(parsed.request) };
  }

  /** The refusal for a new request while `queueLimit` runs already wait (see `queueFullProblem`), or null when there is room. */
  queueFull(): QueueFullProblem | null {
    return queueFullProblem(this.queue.size, this.deps.queueLimit);
  }

  /** Queues a run, or joins the one already active for this block and target. */
  start(request: StartRunRequest): { run: RunRecord; joined: boolean } {
    // Joining is only right when the same text would run the same way: same block, hash,
    // target and variables. Anything else is a different run and queues on its own.
    const key = joinKey(request);
    const activeRun = this.going(key);
    if (activeRun) return { run: activeRun, joined: true };

    const run: RunRecord = {
      id: randomUUID(),
      blockId: request.block.id,
      docId: request.block.docId,
      blockHash: request.block.hash,
      blockSource: request.block.source,
      target: request.target,
      status: 'queued',
      failureKind: null,
      message: null,
      variables: request.variables,
      actor: request.actor,
      ...(request.actorRole ? { actorRole: request.actorRole } : {}),
      trigger: request.trigger,
      createdAt: this.now(),
      startedAt: null,
      finishedAt: null,
      exitCode: null,
      imageId: null,
      imageDigest: null,
      docHash: request.pin?.docHash ?? null,
      docsCommit: request.pin?.docsCommit ?? null,
      result: null,
      logBytes: 0,
      logTruncated: false,
    };
    this.deps.store.insertRun(run);
    this.active.set(key, run.id);
    const cancel = new AbortController();
    this.cancels.set(run.id, cancel);
    let resolve!: (run: RunRecord) => void;
    const promise = new Promise<RunRecord>((r) => (resolve = r));
    this.settled.set(run.id, { promise, resolve });
    this.queue.enqueue(run.id, async () => {
      const finished = await this.execute(run, request, cancel.signal);
      this.forget(key, run.id);
      this.settle(run.id, finished);
    });
    if (this.queue.position(run.id) !== 0) {
      this.deps.events.publish(run.id, { type: 'queued', run, position: this.queue.position(run.id) ?? 0 });
    }
    return { run: this.deps.store.getRun(run.id) ?? run, joined: false };
  }

  /** Cancels a queued or running run. Returns null for an unknown run. */
  cancel(runId: string): { run: RunRecord; changed: boolean } | null {
    const run = this.deps.store.getRun(runId);
    if (!run) return null;
    if (isFinal(run.status)) return { run, changed: false };
    if (this.queue.remove(runId)) {
      const cancelled = this.finish(run, { status: transition(run.status, 'cancelled'), failureKind: 'cancelled', message: 'cancelled by an operator before it started' });
      this.forget(joinKey({ block: { id: run.blockId, hash: run.blockHash }, target: run.target, variables: run.variables }), runId);
      this.settle(runId, cancelled);
      return { run: cancelled, changed: true };
    }
    this.cancels.get(runId)?.abort(new Error('cancelled by an operator'));
    return { run, changed: true };
  }

  /** One run as stored, or null. */
  get(runId: string): RunRecord | null {
    return this.deps.store.getRun(runId);
  }

  /** Runs newest first. */
  list(query: RunQuery = {}): RunRecord[] {
    return this.deps.store.listRuns(query);
  }

  /** A run's lines after `afterSeq`, including those still buffered in memory. */
  logs(runId: string, afterSeq = 0): LogLine[] {
    this.flushLog(runId);
    return this.deps.store.getLogs(runId, afterSeq);
  }

  /** A run with its queue position and every line so far, or null for an unknown run. */
  detail(runId: string): RunDetail | null {
    const run = this.get(runId);
    return run ? { run, queuePosition: this.queuePosition(runId), logs: this.logs(runId) } : null;
  }

  /** Latest run and pass rates per block and target. */
  stats(now: Date = new Date(this.now()), keys?: Array<{ blockId: string; target: string }>): Map<string, BlockTargetStats> {
    return this.deps.store.blockTargetStats(now, keys);
  }

  /** Every block and target's newest run state (one read of a small table). */
  latestByKey(): ReadonlyMap<string, LatestState> {
    return this.deps.store.latestByKey();
  }

  /** Finished runs per block, target and status. */
  countsByStatus(): Array<{ blockId: string; target: string; status: string; count: number }> {
    return this.deps.store.countByBlockTargetStatus();
  }

  /** The Server-Sent Events of one run from `afterSeq` on, or null for an unknown run. */
  stream(runId: string, clientGone: AbortSignal, afterSeq = 0): ReadableStream<Uint8Array> | null {
    const run = this.get(runId);
    if (!run) return null;
    return runEventStream(run, { store: this.deps.store, events: this.deps.events, flushLog: (id) => this.flushLog(id), queuePosition: (id) => this.queuePosition(id), heartbeat: this.live.heartbeat }, clientGone, afterSeq);
  }

  /** The Server-Sent Events of every run's life, for the dashboard. */
  streamAll(clientGone: AbortSignal): ReadableStream<Uint8Array> {
    return this.live.dashboardStream(clientGone);
  }

  /** Cancels every run still queued or running and waits until they have ended. */
  async drain(): Promise<void> {
    if (this.recovering) await this.recovering;
    const pending = [...this.settled.keys()];
    for (const runId of pending) this.cancel(runId);
    await Promise.all(pending.map((runId) => this.waitFor(runId)));
  }

  /** Resolves when the run reaches a final state (immediately for one already final). */
  async waitFor(runId: string): Promise<RunRecord | null> {
    const pending = this.settled.get(runId);
    return pending ? pending.promise : this.deps.store.getRun(runId);
  }

  /** 1-based place in the queue, 0 while running, null when not queued here. */
  queuePosition(runId: string): number | null {
    return this.queue.position(runId);
  }

  /**
   * Start-up recovery: runs a killed server left queued or running become `interrupted`,
   * and containers labelled with any run of this store are removed from every target.
   */
  recover(engines: Promise<unknown> = Promise.resolve()): Promise<{ interrupted: RunRecord[]; removedContainers: string[] }> {
    const recovery = this.recoverNow(engines);
    // New runs wait for the clean-up: it removes containers by run id, and must only ever
    // see the ones a previous server left behind.
    const done = recovery.catch(() => undefined).then(() => {
      if (this.recovering === done) this.recovering = null;
    });
    this.recovering = done;
    return recovery;
  }

  private async recoverNow(engines: Promise<unknown>): Promise<{ interrupted: RunRecord[]; removedContainers: string[] }> {
    const interrupted = this.deps.store.interruptUnfinished(this.now(), 'the server stopped while this run was active');
    // The engines are asked once `engines` resolves (the server's background start), on a
    // later turn: loading the Docker client and waiting on a slow engine must not hold up the first page.
    await engines;
    await new Promise((resolve) => setImmediate(resolve));
    const removedContainers: string[] = [];
    for (const name of this.deps.targets.names()) {
      try {
        const client = this.deps.targets.client(name);
        for (const container of await client.listManaged()) {
          const runId = container.labels[RUN_ID_LABEL];
          if (runId && this.deps.store.getRun(runId)) {
            await client.removeContainer(container.id);
            removedContainers.push(container.id);
          }
        }
        for (const volume of await client.listManagedVolumes()) {
          const runId = volume.labels[RUN_ID_LABEL];
          if (runId && this.deps.store.getRun(runId)) await client.removeVolume(volume.name);
        }
      } catch {
        // An unreachable target has nothing we can clean now; its runs are already marked.
      }
    }
    return { interrupted, removedContainers };
  }

  private async execute(queued: RunRecord, request: StartRunRequest, signal: AbortSignal): Promise<RunRecord> {
    if (this.recovering) await this.recovering;
    const started = this.deps.store.updateRun(queued.id, { status: transition(queued.status, 'running'), startedAt: this.now() });
    this.deps.events.publish(started.id, { type: 'started', run: started });
    const log = new RunLog(started.id, this.deps.store, this.deps.events, this.deps.logLimitBytes);
    this.liveLogs.set(started.id, log);
    try {
      const outcome = await (this.deps.execute ?? executeSteps)(request.steps, {
        docker: this.deps.targets.client(request.target),
        workDir: request.block.system?.dir ?? null,
        runId: started.id,
        blockId: started.blockId,
        timeoutMs: request.block.timeoutSeconds * 1000,
        signal,
        log: (stream, line) => log.write(stream, line),
      });
      if (outcome.message) log.write('system', `[runbook-live] ${outcome.status}: ${outcome.message}`);
      log.flush();
      return this.finish(started, {
        status: transition(started.status, outcome.status),
        failureKind: outcome.failureKind,
        message: outcome.message,
        exitCode: outcome.exitCode,
        imageId: outcome.imageId,
        imageDigest: outcome.imageDigest ?? null,
        result: { steps: outcome.steps },
        logBytes: log.bytes,
        logTruncated: log.truncated,
      });
    } catch (error) {
      log.write('system', `[runbook-live] errored: ${(error as Error).message}`);
      log.flush();
      return this.finish(started, { status: 'errored', failureKind: 'internal', message: (error as Error).message, logBytes: log.bytes, logTruncated: log.truncated });
    }
  }

  /**
   * Writes a running run's buffered lines to the store now. A reader that subscribes to
   * events and then calls this sees every line exactly once: older ones from the store,
   * newer ones as events.
   */
  private flushLog(runId: string): void {
    this.liveLogs.get(runId)?.flush();
  }

  private finish(run: RunRecord, patch: Partial<RunRecord>): RunRecord {
    const finished = this.deps.store.updateRun(run.id, { ...patch, finishedAt: this.now() });
    this.deps.events.publish(run.id, { type: 'finished', run: finished });
    return finished;
  }

  /** The run queued or running for a join key, if any. */
  private going(key: string): RunRecord | null {
    const run = this.deps.store.getRun(this.active.get(key) ?? '');
    return run && !isFinal(run.status) ? run : null;
  }

  private forget(key: string, runId: string): void {
    if (this.active.get(key) === runId) this.active.delete(key);
    this.cancels.delete(runId);
    this.liveLogs.delete(runId);
  }

  private settle(runId: string, run: RunRecord): void {
    this.settled.get(runId)?.resolve(run);
    this.settled.delete(runId);
  }

  private announcePositions(): void {
    for (const runId of this.cancels.keys()) {
      const position = this.queue.position(runId);
      if (position && position > 0) {
        const run = this.deps.store.getRun(runId);
        if (run && run.status === 'queued') this.deps.events.publish(runId, { type: 'queued', run, position });
      }
    }
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }
}

function joinKey(request: { block: { id: string; hash: string }; target: string; variables: Record<string, string> }): string {
  const variables = Object.entries(request.variables).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([request.block.id, request.block.hash, request.target, variables]);
}
