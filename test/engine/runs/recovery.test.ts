import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { containersOfRuns, expectNoContainersOfRuns } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import { BASE_IMAGE, bash, makeWorld, RunsApi, sleep, SYSTEM_DIR, waitForRunningContainer, type RunsWorld } from './harness.ts';

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
  await expectNoContainersOfRuns(allRunIds);
});

afterAll(async () => {
  await server?.stop();
  world?.cleanup();
});

describe('restart after a crash', () => {
  it('marks a run interrupted and removes its container after SIGKILL and restart', async () => {
    server = await startServer(world.env);
    const first = new RunsApi(server.url);
    const started = await first.start(`${DOC}/long`);
    allRunIds.add(started.id);
    await waitForRunningContainer(started.id);
    expect((await first.run(started.id)).status).toBe('running');

    await server.stop('SIGKILL');
    expect(server.process.signalCode).toBe('SIGKILL');
    // Nobody is left to stop it: the container outlives the server.
    await sleep(300);
    expect((await containersOfRuns([started.id])).map((c) => c.state)).toEqual(['running']);

    server = await startServer(world.env);
    const second = new RunsApi(server.url);
    const run = await second.run(started.id);
    expect(run).toMatchObject({ status: 'interrupted', failureKind: 'interrupted' });
    expect(run.finishedAt).not.toBeNull();
    expect(run.message).toMatch(/server stopped/);

    await pollUntil('the new server to remove the container', async () => (await containersOfRuns([started.id])).length === 0, { timeoutMs: 5_000 });
    expect(await containersOfRuns([started.id])).toEqual([]);

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
