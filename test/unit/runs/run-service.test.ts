import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { DockerUnreachableError } from '../../../src/lib/docker/errors.ts';
import { RUN_ID_LABEL } from '../../../src/lib/docker/labels.ts';
import type { ManagedContainer } from '../../../src/lib/docker/docker-client.ts';
import { RunEvents, type RunEvent } from '../../../src/lib/runs/run-events.ts';
import { RunService, type RunServiceDeps, type StartRunRequest } from '../../../src/lib/runs/run-service.ts';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { fence, makeDocsWorld, type DocsWorld } from '../../support/fakes/docs-world.ts';
import { fakeDockerClient, type FakeDockerClient } from '../../support/fakes/fake-docker-client.ts';
import { FakeExecutor, passedOutcome } from '../../support/fakes/fake-executor.ts';
import { runRecord } from '../dashboard/fixtures.ts';

// The store is the real SqliteRunStore on ':memory:': it is the project's own store and fast.

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const BODY = [
  '## App',
  '',
  fence('bash { name=probe }', 'docker run --rm "$IMAGE" python3 -c "print(1)"'),
  fence('bash { name=quick timeout=90 }', 'docker image inspect python:3.13-slim'),
].join('\n');

let world: DocsWorld;
let store: SqliteRunStore;
let events: RunEvents;
let seen: Array<{ runId: string; event: RunEvent }>;
let clients: Record<'local' | 'remote', FakeDockerClient>;
let executor: FakeExecutor;
let clock: number;
let service: RunService;

// One docs world for the file: only the BlockChanged test edits docs, and it makes its own.
beforeAll(async () => {
  world = await makeDocsWorld({ app: BODY });
});
afterAll(() => world.cleanup());

beforeEach(() => {
  store = new SqliteRunStore(':memory:');
  events = new RunEvents();
  seen = [];
  events.subscribeAll((runId, event) => seen.push({ runId, event }));
  clients = { local: fakeDockerClient(), remote: fakeDockerClient() };
  executor = new FakeExecutor();
  clock = T0;
  service = makeService();
});
afterEach(async () => {
  executor.honourAbort = true;
  // Ends every run first: a live RunLog would otherwise flush into a closed store.
  await service.drain();
  store.close();
});

/** A RunService on the test's store, events, fake targets, fake executor and clock. */
function makeService(overrides: Partial<RunServiceDeps> = {}): RunService {
  return new RunService({
    store,
    events,
    targets: { names: () => ['local', 'remote'], client: (name) => clients[name as 'local' | 'remote'] },
    docs: world.docsSource,
    catalog: world.catalog,
    concurrency: 2,
    logLimitBytes: 1_048_576,
    now: () => new Date(clock),
    execute: executor.execute,
    ...overrides,
  });
}

/** A start request for RUN-app/probe; `variables` default to the system's. */
function probe(overrides: Partial<StartRunRequest> = {}): StartRunRequest {
  const block = world.block('RUN-app/probe');
  return { block, steps: block.steps, variables: { IMAGE: 'python:3.13-slim' }, target: 'local', actor: 'tester', trigger: 'manual', ...overrides };
}

/** The events published for one run, as `type` or `type:position`. */
function eventsOf(runId: string): string[] {
  return seen.filter((s) => s.runId === runId).map(({ event }) => (event.type === 'queued' ? `queued:${event.position}` : event.type));
}

/** Lets promise callbacks that are already due run; no time passes on any clock. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RunService: a run from start to finish', () => {
  it('stores the run queued, then running, then passed, with times from the injected clock and events in order', async () => {
    const insert = vi.spyOn(store, 'insertRun');
    const { run, joined } = service.start(probe());
    expect(joined).toBe(false);
    expect(insert.mock.calls[0]![0]).toMatchObject({ id: run.id, status: 'queued', createdAt: iso(T0), startedAt: null, finishedAt: null });
    // A free slot starts the run before start() returns, so it is never announced as queued.
    expect(run).toMatchObject({ status: 'running', createdAt: iso(T0), startedAt: iso(T0), finishedAt: null, blockId: 'RUN-app/probe', docId: 'RUN-app', actor: 'tester', trigger: 'manual' });

    const call = await executor.call(1);
    expect(call.context).toMatchObject({ runId: run.id, blockId: 'RUN-app/probe', workDir: world.systemDir, timeoutMs: 900_000 });
    expect(call.context.docker).toBe(clients.local);
    expect(call.context.signal.aborted).toBe(false);
    expect(call.steps).toEqual(world.block('RUN-app/probe').steps);
    call.context.log('stdout', 'hello');

    clock = T0 + 2_500;
    const steps = [{ kind: 'run' as const, image: 'python:3.13-slim', exitCode: 0, durationMs: 5, oomKilled: false }];
    call.outcome.resolve(passedOutcome({ imageId: 'sha256:feed', steps }));
    const final = await service.waitFor(run.id);
    expect(final).toMatchObject({ status: 'passed', failureKind: null, message: null, exitCode: 0, imageId: 'sha256:feed', result: { steps }, startedAt: iso(T0), finishedAt: iso(T0 + 2_500), logBytes: 6, logTruncated: false });
    expect(store.getRun(run.id)).toEqual(final);
    expect(eventsOf(run.id)).toEqual(['started', 'log', 'finished']);
    const finished = seen.find((s) => s.runId === run.id && s.event.type === 'finished')!.event;
    expect(finished).toMatchObject({ run: { status: 'passed' } });
  });

  it("passes the block's own timeout and the chosen target's client to the executor", async () => {
    const block = world.block('RUN-app/quick');
    service.start({ block, steps: block.steps, variables: {}, target: 'remote', actor: 'tester', trigger: 'manual' });
    const call = await executor.call(1);
    expect(call.context.timeoutMs).toBe(90_000);
    expect(call.context.docker).toBe(clients.remote);
  });

  it('stores a failed outcome with its kind, message and exit code, and writes the message to the log', async () => {
    const { run } = service.start(probe());
    (await executor.call(1)).outcome.resolve(passedOutcome({ status: 'failed', failureKind: 'exit_nonzero', message: 'the container exited with code 3', exitCode: 3 }));
    expect(await service.waitFor(run.id)).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero', message: 'the container exited with code 3', exitCode: 3 });
    expect(service.logs(run.id).map((l) => [l.stream, l.text])).toEqual([['system', '[runbook-live] failed: the container exited with code 3']]);
  });

  it('ends a run whose executor rejects as errored/internal, with the error in the message and the log', async () => {
    const { run } = service.start(probe());
    (await executor.call(1)).outcome.reject(new Error('socket hang up'));
    expect(await service.waitFor(run.id)).toMatchObject({ status: 'errored', failureKind: 'internal', message: 'socket hang up', finishedAt: iso(T0) });
    expect(service.logs(run.id).map((l) => l.text)).toEqual(['[runbook-live] errored: socket hang up']);
    expect(eventsOf(run.id)).toEqual(['started', 'log', 'finished']);
  });

  it('ends a run whose executor throws synchronously as errored/internal too', async () => {
    const throwing = makeService({
      execute: () => {
        throw new Error('executor exploded');
      },
    });
    const { run } = throwing.start(probe());
    expect(await throwing.waitFor(run.id)).toMatchObject({ status: 'errored', failureKind: 'internal', message: 'executor exploded' });
  });
});

describe('RunService: the queue', () => {
  it('with concurrency 1 keeps the next runs queued with their positions, and starts them in order as slots free', async () => {
    service = makeService({ concurrency: 1 });
    const first = service.start(probe()).run;
    const second = service.start(probe({ variables: { IMAGE: 'python:3.12-slim' } }));
    const third = service.start(probe({ target: 'remote' })).run;

    expect(second).toMatchObject({ joined: false, run: { status: 'queued', startedAt: null } });
    expect(service.queuePosition(first.id)).toBe(0);
    expect(service.queuePosition(second.run.id)).toBe(1);
    expect(service.queuePosition(third.id)).toBe(2);
    expect(service.detail(second.run.id)).toMatchObject({ queuePosition: 1, run: { status: 'queued' }, logs: [] });
    expect(eventsOf(second.run.id)).toEqual(['queued:1']);
    expect(eventsOf(third.id)).toEqual(['queued:2']);
    expect(executor.calls).toHaveLength(1);

    clock = T0 + 10_000;
    (await executor.call(1)).outcome.resolve(passedOutcome());
    const next = await executor.call(2);
    expect(next.context.runId).toBe(second.run.id);
    expect(store.getRun(second.run.id)).toMatchObject({ status: 'running', createdAt: iso(T0), startedAt: iso(T0 + 10_000) });
    expect(service.queuePosition(third.id)).toBe(1);
    expect(eventsOf(third.id)).toEqual(['queued:2', 'queued:1']);

    next.outcome.resolve(passedOutcome());
    (await executor.call(3)).outcome.resolve(passedOutcome());
    expect(await service.waitFor(third.id)).toMatchObject({ status: 'passed' });
    expect(eventsOf(second.run.id)).toEqual(['queued:1', 'started', 'finished']);
    expect(executor.calls.map((c) => c.context.runId)).toEqual([first.id, second.run.id, third.id]);
    expect(service.queuePosition(first.id)).toBeNull();
  });
});

describe('RunService: joining', () => {
  it('joins a request for the same block, hash, target and variables while that run is active', async () => {
    const first = service.start(probe({ variables: { IMAGE: 'python:3.13-slim', MODE: 'fast' } }));
    const again = service.start(probe({ variables: { MODE: 'fast', IMAGE: 'python:3.13-slim' }, actor: 'someone-else' }));
    expect(again.joined).toBe(true);
    expect(again.run.id).toBe(first.run.id);
    expect(again.run.actor).toBe('tester');
    expect(executor.calls).toHaveLength(1);
  });

  it('joins a queued run too, and tells the joiner it is still queued', () => {
    service = makeService({ concurrency: 1 });
    service.start(probe({ target: 'remote' }));
    const queued = service.start(probe());
    const again = service.start(probe());
    expect(again).toMatchObject({ joined: true, run: { id: queued.run.id, status: 'queued' } });
  });

  it('starts a run of its own for other variables or another target', () => {
    const first = service.start(probe());
    const otherVariables = service.start(probe({ variables: { IMAGE: 'python:3.12-slim' } }));
    const otherTarget = service.start(probe({ target: 'remote' }));
    expect(otherVariables.joined).toBe(false);
    expect(otherTarget.joined).toBe(false);
    expect(new Set([first.run.id, otherVariables.run.id, otherTarget.run.id]).size).toBe(3);
  });

  it('starts a fresh run once the joined one has finished', async () => {
    const first = service.start(probe());
    (await executor.call(1)).outcome.resolve(passedOutcome());
    await service.waitFor(first.run.id);
    await settle();
    const later = service.start(probe());
    expect(later.joined).toBe(false);
    expect(later.run.id).not.toBe(first.run.id);
  });
});

describe('RunService: cancelling', () => {
  it('cancels a queued run without ever executing it, and moves the runs behind it up', async () => {
    service = makeService({ concurrency: 1 });
    const first = service.start(probe()).run;
    const second = service.start(probe({ target: 'remote' })).run;
    const third = service.start(probe({ variables: { IMAGE: 'python:3.12-slim' } })).run;

    clock = T0 + 1_000;
    const cancelled = service.cancel(second.id);
    expect(cancelled).toMatchObject({ changed: true, run: { id: second.id, status: 'cancelled', failureKind: 'cancelled', message: 'cancelled by an operator before it started', startedAt: null, finishedAt: iso(T0 + 1_000) } });
    expect(await service.waitFor(second.id)).toMatchObject({ status: 'cancelled' });
    expect(service.queuePosition(second.id)).toBeNull();
    expect(eventsOf(second.id)).toEqual(['queued:1', 'finished']);
    expect(eventsOf(third.id)).toEqual(['queued:2', 'queued:1']);

    (await executor.call(1)).outcome.resolve(passedOutcome());
    expect((await executor.call(2)).context.runId).toBe(third.id);
    expect(executor.calls.map((c) => c.context.runId)).not.toContain(second.id);
    expect(service.get(first.id)?.status).toBe('passed');
    // The cancelled run no longer blocks a new one of the same request.
    expect(service.start(probe({ target: 'remote' })).joined).toBe(false);
  });

  it('aborts the signal of a running run and ends it cancelled', async () => {
    const { run } = service.start(probe());
    const call = await executor.call(1);
    const result = service.cancel(run.id);
    expect(result).toMatchObject({ changed: true, run: { id: run.id, status: 'running' } });
    expect(call.context.signal.aborted).toBe(true);
    expect((call.context.signal.reason as Error).message).toBe('cancelled by an operator');
    expect(await service.waitFor(run.id)).toMatchObject({ status: 'cancelled', failureKind: 'cancelled', message: 'cancelled by an operator' });
    expect(service.logs(run.id).map((l) => l.text)).toEqual(['[runbook-live] cancelled: cancelled by an operator']);
  });

  it('leaves a finished run alone and returns changed: false', async () => {
    const { run } = service.start(probe());
    (await executor.call(1)).outcome.resolve(passedOutcome());
    const finished = await service.waitFor(run.id);
    expect(service.cancel(run.id)).toEqual({ run: finished, changed: false });
    expect(store.getRun(run.id)).toEqual(finished);
  });

  it('returns null for a run it does not know', () => {
    expect(service.cancel('no-such-run')).toBeNull();
  });
});

describe('RunService: reading runs', () => {
  it('waitFor resolves with the final record, at once for a finished run, and null for an unknown one', async () => {
    const { run } = service.start(probe());
    const waiting = service.waitFor(run.id);
    (await executor.call(1)).outcome.resolve(passedOutcome({ exitCode: 0 }));
    const final = await waiting;
    expect(final).toMatchObject({ id: run.id, status: 'passed' });
    expect(await service.waitFor(run.id)).toEqual(final);
    expect(await service.waitFor('no-such-run')).toBeNull();
  });

  it('logs() and detail() include lines still buffered in memory while the run goes on', async () => {
    const { run } = service.start(probe());
    const call = await executor.call(1);
    call.context.log('system', '[runbook-live] step 1/1: docker run python:3.13-slim');
    call.context.log('stdout', 'one');
    call.context.log('stderr', 'two');
    // Nothing reached the store yet: RunLog batches its writes.
    expect(store.getLogs(run.id)).toEqual([]);

    expect(service.logs(run.id).map((l) => `${l.seq}:${l.stream}:${l.text}`)).toEqual(['1:system:[runbook-live] step 1/1: docker run python:3.13-slim', '2:stdout:one', '3:stderr:two']);
    expect(service.logs(run.id, 2).map((l) => l.text)).toEqual(['two']);
    expect(service.detail(run.id)).toMatchObject({ run: { id: run.id, status: 'running' }, queuePosition: 0, logs: [{ seq: 1 }, { seq: 2 }, { seq: 3 }] });

    call.context.log('stdout', 'three');
    call.outcome.resolve(passedOutcome());
    await service.waitFor(run.id);
    // The queue frees the slot a moment after the run settles; until then detail() still says 0.
    await settle();
    expect(service.detail(run.id)).toMatchObject({ run: { status: 'passed' }, queuePosition: null });
    expect(service.detail(run.id)!.logs.map((l) => l.text)).toEqual(['[runbook-live] step 1/1: docker run python:3.13-slim', 'one', 'two', 'three']);
    expect(service.detail('no-such-run')).toBeNull();
  });

  it('cuts the log off at logLimitBytes with one marker line and marks the run truncated', async () => {
    service = makeService({ logLimitBytes: 12 });
    const { run } = service.start(probe());
    const call = await executor.call(1);
    for (const line of ['12345', 'abcde', 'dropped', 'dropped too']) call.context.log('stdout', line);
    call.outcome.resolve(passedOutcome());
    expect(await service.waitFor(run.id)).toMatchObject({ logBytes: 12, logTruncated: true });
    expect(service.logs(run.id).map((l) => l.text)).toEqual(['12345', 'abcde', "[runbook-live] output truncated: this run's log reached its limit of 12 bytes; later lines were not kept"]);
  });

  it('lists stored runs newest first', async () => {
    const first = service.start(probe()).run;
    clock = T0 + 1_000;
    const second = service.start(probe({ target: 'remote' })).run;
    expect(service.list().map((r) => r.id)).toEqual([second.id, first.id]);
    expect(service.list({ target: 'local' }).map((r) => r.id)).toEqual([first.id]);
  });
});

describe('RunService.request', () => {
  const who = { actor: 'alice', trigger: 'manual' as const };

  it('refuses a body that does not parse with InvalidRunRequest', async () => {
    const outcome = await service.request({ block: 'RUN-app/probe' }, who);
    expect(outcome).toMatchObject({ ok: false, problem: { status: 400, code: 'InvalidRunRequest' } });
    expect(!outcome.ok && outcome.problem.message).toMatch(/^The run request is invalid: /);
    expect(executor.calls).toHaveLength(0);
  });

  it('refuses a block that does not exist with BlockNotFound', async () => {
    const outcome = await service.request({ block: 'RUN-app/nope', hash: '0123456789abcdef' }, who);
    expect(outcome).toEqual({ ok: false, problem: { status: 404, code: 'BlockNotFound', message: "No block has id 'RUN-app/nope'. GET /api/docs/<doc id> lists a doc's blocks." } });
  });

  it('refuses a block whose text changed since the page was loaded with BlockChanged', async () => {
    const { hash } = world.block('RUN-app/probe');
    const edited = await makeDocsWorld({ app: BODY.replace('print(1)', 'print(2)') });
    onTestFinished(() => edited.cleanup());
    const now = edited.block('RUN-app/probe').hash;
    expect(now).not.toBe(hash);
    const outcome = await makeService({ docs: edited.docsSource, catalog: edited.catalog }).request({ block: 'RUN-app/probe', hash }, who);
    expect(outcome).toEqual({
      ok: false,
      problem: { status: 409, code: 'BlockChanged', message: `Block 'RUN-app/probe' has changed since the page was loaded (hash ${hash}, now ${now}). Reload the page and review the block before running it.` },
    });
    expect(store.listRuns()).toEqual([]);
  });

  it('starts a valid request with its variables, target and actor, and joins it when asked again', async () => {
    const { hash } = world.block('RUN-app/probe');
    const body = { block: 'RUN-app/probe', hash, vars: { IMAGE: 'python:3.12-slim' }, target: 'remote' };
    const outcome = await service.request(body, who);
    expect(outcome).toMatchObject({ ok: true, joined: false, run: { blockId: 'RUN-app/probe', blockHash: hash, target: 'remote', actor: 'alice', trigger: 'manual', variables: { IMAGE: 'python:3.12-slim' } } });
    const call = await executor.call(1);
    expect(call.steps[0]).toMatchObject({ kind: 'run', image: 'python:3.12-slim' });
    expect(call.context.docker).toBe(clients.remote);

    const again = await service.request(body, { actor: 'bob', trigger: 'manual' });
    expect(again).toMatchObject({ ok: true, joined: true, run: { id: outcome.ok ? outcome.run.id : null, actor: 'alice' } });
  });
});

describe('RunService.recover', () => {
  /** A managed container labelled with `runId` (none when undefined). */
  const container = (id: string, runId?: string): ManagedContainer => ({ id, name: `/${id}`, image: 'python:3.13-slim', state: 'exited', labels: runId ? { [RUN_ID_LABEL]: runId } : {}, createdAt: new Date(T0) });

  it('marks runs a previous process left queued or running interrupted, and removes only containers and volumes of runs in this store', async () => {
    store.insertRun(runRecord('q', { status: 'queued' }));
    store.insertRun(runRecord('r', { status: 'running', startedAt: iso(T0 - 1_000) }));
    store.insertRun(runRecord('p', { status: 'passed' }));
    clients.local = fakeDockerClient({
      listManaged: async () => [container('c-r', 'r'), container('c-p', 'p'), container('c-stranger', 'another-servers-run'), container('c-unlabelled')],
      listManagedVolumes: async () => [{ name: 'v-r', labels: { [RUN_ID_LABEL]: 'r' } }, { name: 'v-stranger', labels: { [RUN_ID_LABEL]: 'x' } }],
      removeContainer: async () => {},
      removeVolume: async () => {},
    });
    clients.remote = fakeDockerClient({ listManaged: async () => Promise.reject(new DockerUnreachableError('tcp://10.255.255.1:2376', 'ECONNREFUSED', 'Start the engine.')) });
    clock = T0 + 60_000;

    const recovered = await service.recover();
    expect(recovered.interrupted.map((r) => r.id).sort()).toEqual(['q', 'r']);
    expect(recovered.removedContainers).toEqual(['c-r', 'c-p']);
    expect(clients.local.removeContainer.mock.calls).toEqual([['c-r'], ['c-p']]);
    expect(clients.local.removeVolume.mock.calls).toEqual([['v-r']]);
    expect(clients.remote.removeContainer).not.toHaveBeenCalled();
    for (const id of ['q', 'r']) {
      expect(store.getRun(id)).toMatchObject({ status: 'interrupted', failureKind: 'interrupted', message: 'the server stopped while this run was active', finishedAt: iso(T0 + 60_000) });
    }
    expect(store.getRun('p')?.status).toBe('passed');
  });

  it('lets a run requested during the clean-up start only once the clean-up is over', async () => {
    let listed!: (containers: ManagedContainer[]) => void;
    clients.local = fakeDockerClient({ listManaged: () => new Promise((resolve) => (listed = resolve)), listManagedVolumes: async () => [], removeContainer: async () => {} });
    clients.remote = fakeDockerClient({ listManaged: async () => [], listManagedVolumes: async () => [] });
    const recovery = service.recover();
    const { run } = service.start(probe());
    expect(run.status).toBe('queued');
    // Wait until the clean-up is really asking the engine, then check nothing has started.
    await vi.waitFor(() => expect(clients.local.listManaged).toHaveBeenCalled());
    expect(executor.calls).toHaveLength(0);
    listed([container('c-old', 'stale-run')]);
    await recovery;
    const call = await executor.call(1);
    expect(call.context.runId).toBe(run.id);
    expect(store.getRun(run.id)?.status).toBe('running');
  });

  it('has nothing to do on a clean start', async () => {
    for (const name of ['local', 'remote'] as const) clients[name] = fakeDockerClient({ listManaged: async () => [], listManagedVolumes: async () => [] });
    expect(await service.recover()).toEqual({ interrupted: [], removedContainers: [] });
    expect(clients.local.removeContainer).not.toHaveBeenCalled();
    expect(clients.local.removeVolume).not.toHaveBeenCalled();
  });
});

describe('RunService.drain', () => {
  it('cancels the running and the queued runs and resolves once both have ended', async () => {
    service = makeService({ concurrency: 1 });
    const running = service.start(probe()).run;
    const queued = service.start(probe({ target: 'remote' })).run;
    const call = await executor.call(1);
    executor.honourAbort = false;

    let drained = false;
    const draining = service.drain().then(() => (drained = true));
    await settle();
    expect(call.context.signal.aborted).toBe(true);
    expect(store.getRun(queued.id)?.status).toBe('cancelled');
    // The running run has not ended yet, so neither has the drain.
    expect(drained).toBe(false);

    call.outcome.resolve({ ...passedOutcome(), status: 'cancelled', failureKind: 'cancelled', message: 'cancelled by an operator', exitCode: null });
    await draining;
    expect(store.getRun(running.id)).toMatchObject({ status: 'cancelled', failureKind: 'cancelled' });
    expect(executor.calls).toHaveLength(1);
  });

  it('resolves at once when nothing is active', async () => {
    await expect(service.drain()).resolves.toBeUndefined();
  });
});
