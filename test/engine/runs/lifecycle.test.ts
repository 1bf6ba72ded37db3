import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { buildStepContainers, containersOfRuns, imageIdOf, removeImageTag } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import { BASE_IMAGE, bash, makeWorld, RunsApi, SYSTEM_DIR, unique, waitForRunningContainer, type RunsWorld } from './harness.ts';

// Runs through the HTTP API of a real server against the real engine: builds that pass and
// fail, live output over SSE, cancel, timeout, and a target whose engine is not there.

const NOPE_SOCKET = '/tmp/runbook-live-nope.sock';
const suffix = unique();
const OK_TAG = `runbook-live-test/runs-ok:${suffix}`;
const FAIL_TAG = `runbook-live-test/runs-fail:${suffix}`;
const SLOW_TAG = `runbook-live-test/runs-slow:${suffix}`;
const SLOW_MARKER = 'runs-fixture-slow-build started';
const DOC = 'RUN-ops';

const BODY = `## Build and run

${bash('name=build-and-run', 'docker build -t "$IMAGE" .\ndocker run --rm "$IMAGE"')}
## Ticker

${bash('name=ticker timeout=30', `docker run --rm ${BASE_IMAGE} python3 -u -c "import time; [(print('tick', i, flush=True), time.sleep(0.4)) for i in range(5)]"`)}
## Broken build

${bash('name=broken-build', `docker build -f Dockerfile.fail -t ${FAIL_TAG} .`)}
## Slow build

${bash('name=slow-build', `docker build -f Dockerfile.slow --build-arg TEST_SCOPE=${suffix} -t ${SLOW_TAG} .`)}
## Sleeper

${bash('name=sleeper', `docker run --rm ${BASE_IMAGE} sleep 60`)}
## Too slow

${bash('name=too-slow timeout=2', `docker run --rm ${BASE_IMAGE} sleep 30`)}
## Missing image

${bash('name=missing-image', `docker run --rm runbook-live-test/never-built:${suffix} true`)}
## Offline

${bash('name=offline', `docker run --rm ${BASE_IMAGE} true`)}
`;

let world: RunsWorld;
let server: RunningServer;
let api: RunsApi;

beforeAll(async () => {
  expect(existsSync(NOPE_SOCKET), `${NOPE_SOCKET} must not exist for the unreachable-engine test`).toBe(false);
  world = makeWorld({
    systemsYaml: `targets:
  local:
    url: unix:///var/run/docker.sock
  nope:
    url: unix://${NOPE_SOCKET}
systems:
  fixture:
    dir: ${JSON.stringify(SYSTEM_DIR)}
    variables:
      IMAGE:
        default: ${OK_TAG}
        kind: image
    targets: [local, nope]
runs:
  concurrency: 4
  timeout_seconds: 120
  log_limit_bytes: 65536
`,
    runbooks: { 'runbook-ops.md': { system: 'fixture', body: BODY } },
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
    await removeImageTag(OK_TAG);
    await removeImageTag(FAIL_TAG);
    await removeImageTag(SLOW_TAG);
    world?.cleanup();
  }
});

describe('runs against the real engine', () => {
  it('builds from the system folder, then runs the built image, in one block', async () => {
    const block = await api.block(`${DOC}/build-and-run`);
    expect(block).toMatchObject({ runnable: true, steps: ['build', 'run'], targets: ['local', 'nope'] });
    expect(block.variables).toEqual([expect.objectContaining({ name: 'IMAGE', default: OK_TAG, kind: 'image' })]);

    const started = await api.start(block.id);
    expect(started).toMatchObject({ joined: false, url: `/runs/${started.id}`, events: `/api/runs/${started.id}/events` });
    const run = await api.waitFinished(started.id, 60_000);

    expect(run).toMatchObject({ status: 'passed', failureKind: null, exitCode: 0, target: 'local', variables: { IMAGE: OK_TAG } });
    expect(run.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await imageIdOf(OK_TAG)).toBe(run.imageId);
    const stdout = run.logs.filter((l) => l.stream === 'stdout').map((l) => l.text);
    expect(stdout).toContain('Step 1/3 : FROM python:3.13-slim');
    expect(stdout).toContain('hello from the runs fixture');
    expect(run.logs.map((l) => l.seq)).toEqual(run.logs.map((_, i) => i + 1));
  });

  it('streams a docker run block line by line over SSE, as the lines are printed', async () => {
    const started = await api.start(`${DOC}/ticker`);
    const events = await api.events(started.id);

    const names = events.map((e) => e.event);
    expect(names[0]).toMatch(/^(queued|started)$/);
    expect(names.at(-1)).toBe('finished');
    const ticks = events.filter((e) => e.event === 'log' && /^tick \d$/.test((e.data as { text: string }).text));
    expect(ticks.map((e) => (e.data as { text: string; stream: string }).text)).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4']);
    expect(ticks.every((e) => (e.data as { stream: string }).stream === 'stdout')).toBe(true);
    // Each frame carries its line's seq as the event id, for Last-Event-ID resumes.
    expect(ticks.every((e) => e.id === String((e.data as { seq: number }).seq))).toBe(true);

    // Lines arrive as they are printed (0.4 s apart), not in one burst at the end.
    const gaps = ticks.slice(1).map((e, i) => e.at - ticks[i]!.at);
    expect(gaps.filter((gap) => gap > 200).length, `gaps between ticks: ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`).toBeGreaterThanOrEqual(3);
    expect(ticks.at(-1)!.at - ticks[0]!.at).toBeGreaterThan(1_000);
    const finished = events.at(-1)!;
    expect(finished.at).toBeGreaterThanOrEqual(ticks.at(-1)!.at);
    expect((finished.data as { run: { status: string; exitCode: number } }).run).toMatchObject({ status: 'passed', exitCode: 0 });

    // The stored log has the same lines; a resume after tick 2 replays only what came later.
    const run = await api.run(started.id);
    expect(run.logs.filter((l) => l.text.startsWith('tick')).map((l) => l.text)).toHaveLength(5);
    const tick2 = (ticks[2]!.data as { seq: number }).seq;
    const resumed = await api.events(started.id, { lastEventId: tick2 });
    const resumedLogs = resumed.filter((e) => e.event === 'log').map((e) => (e.data as { seq: number; text: string }));
    expect(resumedLogs.every((l) => l.seq > tick2)).toBe(true);
    expect(resumedLogs.map((l) => l.text)).toEqual(expect.arrayContaining(['tick 3', 'tick 4']));
    expect(resumed.at(-1)!.event).toBe('finished');
  });

  it('reports a failing build as build_failed with the engine error', async () => {
    const started = await api.start(`${DOC}/broken-build`);
    const run = await api.waitFinished(started.id, 60_000);

    expect(run).toMatchObject({ status: 'failed', failureKind: 'build_failed', imageId: null });
    // The classic builder's own words: the failing command and its exit code.
    expect(run.message).toMatch(/^docker build failed: .*returned a non-zero code: 7/);
    expect(run.logs.map((l) => l.text)).toContain('fixture build is about to fail');
    expect(run.logs.at(-1)).toMatchObject({ stream: 'system' });
    expect(run.logs.at(-1)!.text).toContain('returned a non-zero code: 7');
    expect(await imageIdOf(FAIL_TAG)).toBeNull();
  });

  it('cancels a running container: the run ends cancelled and the container is gone', async () => {
    const started = await api.start(`${DOC}/sleeper`);
    await waitForRunningContainer(started.id);
    const containers = await containersOfRuns([started.id]);
    expect(containers).toHaveLength(1);
    expect(containers[0]!.blockId).toBe(`${DOC}/sleeper`);

    const asked = performance.now();
    const cancel = await api.cancel(started.id);
    expect(cancel).toEqual({ status: 202, body: { id: started.id, status: 'cancelling' } });
    const run = await api.waitFinished(started.id, 10_000);
    const took = performance.now() - asked;

    expect(run).toMatchObject({ status: 'cancelled', failureKind: 'cancelled' });
    expect(took).toBeLessThan(5_000);
    expect(await containersOfRuns([started.id])).toEqual([]);
    const again = await api.cancel(started.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RunAlreadyFinished');
  });

  it('cancels a build in the middle of its RUN step, leaving no build container behind', async () => {
    const started = await api.start(`${DOC}/slow-build`);
    await api.waitUntil(started.id, (run) => run.logs.some((l) => l.text === SLOW_MARKER), 30_000);
    expect(await buildContainers()).toHaveLength(1);

    const asked = performance.now();
    expect((await api.cancel(started.id)).status).toBe(202);
    const run = await api.waitFinished(started.id, 10_000);
    expect(run).toMatchObject({ status: 'cancelled', failureKind: 'cancelled', imageId: null });
    expect(performance.now() - asked).toBeLessThan(5_000);
    expect(await imageIdOf(SLOW_TAG)).toBeNull();
    // The engine drops the intermediate container of the interrupted step (it carries no run label).
    let left: string[] = [];
    await pollUntil(() => `the engine to drop the interrupted step's container: ${left.join(', ')}`, async () => (left = await buildContainers()).length === 0, { timeoutMs: 10_000, everyMs: 200 });
    expect(await buildContainers()).toEqual([]);
  });

  it('names a missing image as image_not_found without pulling it', async () => {
    const started = await api.start(`${DOC}/missing-image`);
    const run = await api.waitFinished(started.id, 10_000);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'image_not_found', exitCode: null });
    expect(run.message).toContain(`runbook-live-test/never-built:${suffix}`);
    expect(await imageIdOf(`runbook-live-test/never-built:${suffix}`)).toBeNull();
  });

  it('kills a block that outlives its timeout= annotation', async () => {
    const block = await api.block(`${DOC}/too-slow`);
    expect(block.timeoutSeconds).toBe(2);
    const began = performance.now();
    const started = await api.start(block.id);
    const run = await api.waitFinished(started.id, 30_000);
    const took = performance.now() - began;

    expect(run).toMatchObject({ status: 'failed', failureKind: 'timeout' });
    expect(run.message).toContain('within 2 s');
    expect(took).toBeGreaterThan(1_900);
    expect(took).toBeLessThan(10_000);
    expect(await containersOfRuns([started.id])).toEqual([]);
  });

  it('fails fast with docker_unreachable when the target engine is not there', async () => {
    const began = performance.now();
    const started = await api.start(`${DOC}/offline`, { target: 'nope' });
    const run = await api.waitFinished(started.id, 10_000);

    expect(performance.now() - began).toBeLessThan(5_000);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'docker_unreachable', target: 'nope' });
    expect(run.message).toContain(NOPE_SOCKET);
    expect(run.logs.map((l) => l.text).join('\n')).toContain(NOPE_SOCKET);

    const unknown = await api.post({ block: `${DOC}/offline`, hash: (await api.block(`${DOC}/offline`)).hash, target: 'elsewhere' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('UnknownTarget');
  });
});

/** Containers of this file's slow fixture build's RUN step (the builder's own, unlabelled; told apart by the build arg). */
function buildContainers(): Promise<string[]> {
  return buildStepContainers(SLOW_MARKER, `TEST_SCOPE=${suffix}`);
}
