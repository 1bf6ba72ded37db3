import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { containersOfRuns } from '../../support/docker-leftovers.ts';
import { BASE_IMAGE, bash, makeWorld, RunsApi, SYSTEM_DIR, waitForRunningContainer, type RunsWorld } from './harness.ts';

// With runs.concurrency: 1 a second block waits its turn, and asking for a block that is
// already going joins that run instead of starting another.

const DOC = 'RUN-queue';
const BODY = `## First

${bash('name=first', `docker run --rm ${BASE_IMAGE} python3 -u -c "import time; print('first begins', flush=True); time.sleep(3); print('first ends')"`)}
## Second

${bash('name=second', `docker run --rm ${BASE_IMAGE} python3 -c "print('second ran')"`)}
## Greet

${bash('name=greet', `docker run --rm ${BASE_IMAGE} python3 -u -c "import time; time.sleep(2); print('$GREETING')"`)}
`;

let world: RunsWorld;
let server: RunningServer;
let api: RunsApi;

beforeAll(async () => {
  world = makeWorld({
    systemsYaml: `systems:
  fixture:
    dir: ${JSON.stringify(SYSTEM_DIR)}
    variables:
      GREETING: hello
runs:
  concurrency: 1
  timeout_seconds: 60
`,
    runbooks: { 'runbook-queue.md': { system: 'fixture', body: BODY } },
  });
  server = await startServer(world.env);
  api = new RunsApi(server);
});

afterEach(async ({ task }) => {
  await api.expectNoLeftovers(task);
});

afterAll(async () => {
  try {
    // Once more for every run of the file: nothing may turn up after its test's own check.
    await api?.expectNoLeftovers();
  } finally {
    await server?.stop();
    world?.cleanup();
  }
});

describe('run queue with concurrency 1', () => {
  it('queues a second block behind the running one, and joins a repeated request', async () => {
    const first = await api.start(`${DOC}/first`);
    expect(first).toMatchObject({ joined: false });
    await waitForRunningContainer(first.id);
    expect((await api.run(first.id)).status).toBe('running');

    const second = await api.start(`${DOC}/second`);
    expect(second).toMatchObject({ joined: false, status: 'queued' });
    expect(second.id).not.toBe(first.id);
    const waiting = await api.run(second.id);
    expect(waiting).toMatchObject({ status: 'queued', queuePosition: 1, startedAt: null });
    expect(await containersOfRuns([second.id])).toEqual([]);
    const secondEvents = api.events(second.id);

    // The same block again while it runs: the same run, joined rather than started twice.
    const again = await api.start(`${DOC}/first`);
    expect(again).toMatchObject({ id: first.id, joined: true, status: 'running' });
    // And the queued block again: joins the queued run.
    const secondAgain = await api.start(`${DOC}/second`);
    expect(secondAgain).toMatchObject({ id: second.id, joined: true, status: 'queued' });
    expect(await containersOfRuns([first.id])).toHaveLength(1);

    const firstDone = await api.waitFinished(first.id);
    const secondDone = await api.waitFinished(second.id);
    expect(firstDone.status).toBe('passed');
    expect(secondDone.status).toBe('passed');
    expect(secondDone.logs.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['second ran']);
    // Strictly one after the other.
    expect(Date.parse(secondDone.startedAt!)).toBeGreaterThanOrEqual(Date.parse(firstDone.finishedAt!));

    const events = await secondEvents;
    expect(events[0]).toMatchObject({ event: 'queued', data: { position: 1 } });
    expect(events.map((e) => e.event).filter((e) => e !== 'log')).toEqual(['queued', 'started', 'finished']);

    // Once finished, the block starts a fresh run again.
    const fresh = await api.start(`${DOC}/second`);
    expect(fresh.joined).toBe(false);
    expect(fresh.id).not.toBe(second.id);
    expect((await api.waitFinished(fresh.id)).status).toBe('passed');
  });

  it('joins only a run of the same text with the same variables', async () => {
    const hello = await api.start(`${DOC}/greet`);
    const hej = await api.start(`${DOC}/greet`, { vars: { GREETING: 'hej' } });
    expect(hej.joined).toBe(false);
    expect(hej.id).not.toBe(hello.id);
    const helloAgain = await api.start(`${DOC}/greet`, { vars: { GREETING: 'hello' } });
    expect(helloAgain).toMatchObject({ id: hello.id, joined: true });
    const outputs = await Promise.all([hello.id, hej.id].map(async (id) => (await api.waitFinished(id)).logs.filter((l) => l.stream === 'stdout').map((l) => l.text)));
    expect(outputs).toEqual([['hello'], ['hej']]);
  });

  it('cancels a queued run before it starts, without touching the running one', async () => {
    const first = await api.start(`${DOC}/first`);
    await waitForRunningContainer(first.id);
    const second = await api.start(`${DOC}/second`);
    expect(second.status).toBe('queued');

    const cancel = await api.cancel(second.id);
    expect(cancel.status).toBe(202);
    const cancelled = await api.run(second.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', failureKind: 'cancelled', startedAt: null });
    expect(cancelled.message).toContain('before it started');
    expect((await api.run(first.id)).status).toBe('running');

    // Free the slot: the cancelled run must not start in it.
    expect((await api.cancel(first.id)).status).toBe(202);
    expect((await api.waitFinished(first.id, 10_000)).status).toBe('cancelled');
    // The queue has settled once a run asked for after the cancel has had the freed slot: it
    // goes first in, first out, so a cancelled run that was still going to start would have
    // taken the slot before this one.
    const later = await api.start(`${DOC}/second`);
    expect(later).toMatchObject({ joined: false });
    expect((await api.waitFinished(later.id)).status).toBe('passed');
    // The cancelled run never got a container, even after the slot freed up.
    expect(await containersOfRuns([second.id])).toEqual([]);
    expect(await api.run(second.id)).toMatchObject({ status: 'cancelled', startedAt: null });
  });
});
