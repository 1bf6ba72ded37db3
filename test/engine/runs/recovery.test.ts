import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { containersOfRuns, expectNothingLeftOfRuns } from '../../support/docker-leftovers.ts';
import { watchContainerEvents } from '../../support/engine-events.ts';
import { BASE_IMAGE, bash, makeWorld, RunsApi, SYSTEM_DIR, waitForRunningContainer, type RunsWorld } from './harness.ts';

// A server killed mid-run leaves a running container and a `running` row behind; the next
// server on the same DATA_DIR marks the run interrupted and removes the container.

const DOC = 'RUN-recovery';
const BODY = `## Long

${bash('name=long', `docker run --rm ${BASE_IMAGE} sleep 60`)}
## Quick

${bash('name=quick', `docker run --rm ${BASE_IMAGE} true`)}
`;

let world: RunsWorld;
let server: RunningServer | undefined;
const allRunIds = new Set<string>();

beforeAll(() => {
  world = makeWorld({
    systemsYaml: `systems:
  fixture:
    dir: ${JSON.stringify(SYSTEM_DIR)}
runs:
  concurrency: 2
  timeout_seconds: 120
`,
    runbooks: { 'runbook-recovery.md': { system: 'fixture', body: BODY } },
  });
});

afterEach(async () => {
  // Runs of two servers (one killed), so the test keeps their ids itself.
  await expectNothingLeftOfRuns(allRunIds);
});

afterAll(async () => {
  await server?.stop();
  world?.cleanup();
});

describe('restart after a crash', () => {
  it('marks a run interrupted and removes its container after SIGKILL and restart', async () => {
    server = await startServer(world.env);
    const first = new RunsApi(server);
    const started = await first.start(`${DOC}/long`);
    allRunIds.add(started.id);
    await waitForRunningContainer(started.id);
    expect((await first.run(started.id)).status).toBe('running');

    // What the engine does to the container from here on, in order, instead of a pause.
    const engine = await watchContainerEvents(`runbook-live.run-id=${started.id}`);
    onTestFinished(() => engine.close());
    await server.stop('SIGKILL');
    expect(server.process.signalCode).toBe('SIGKILL');
    // Nobody is left to stop it: the container outlives the server.
    expect((await containersOfRuns([started.id])).map((c) => c.state)).toEqual(['running']);

    const restartedAt = Date.now();
    server = await startServer(world.env);
    const second = new RunsApi(server);
    const run = await second.run(started.id);
    expect(run).toMatchObject({ status: 'interrupted', failureKind: 'interrupted' });
    expect(run.finishedAt).not.toBeNull();
    expect(run.message).toMatch(/server stopped/);

    await engine.waitFor('destroy', 5_000);
    expect(await containersOfRuns([started.id])).toEqual([]);
    // It lived on until the new server was starting: the engine stopped nothing before that.
    expect(engine.events.filter((e) => e.at < restartedAt).map((e) => e.action)).toEqual([]);
    expect(engine.events.map((e) => e.action)).toContain('die');

    // The stream of a run that ended before the restart says so at once.
    const events = await second.events(started.id, { timeoutMs: 5_000 });
    expect(events.at(-1)).toMatchObject({ event: 'finished', data: { run: { status: 'interrupted' } } });
    const cancel = await second.cancel(started.id);
    expect(cancel.status).toBe(409);

    // The block is not stuck on the dead run: it starts afresh on the new server.
    const fresh = await second.start(`${DOC}/long`);
    allRunIds.add(fresh.id);
    expect(fresh).toMatchObject({ joined: false });
    expect(fresh.id).not.toBe(started.id);
    expect((await second.cancel(fresh.id)).status).toBe(202);
    expect((await second.waitFinished(fresh.id, 10_000)).status).toBe('cancelled');

    const quick = await second.start(`${DOC}/quick`);
    allRunIds.add(quick.id);
    expect((await second.waitFinished(quick.id)).status).toBe('passed');
  });
});
