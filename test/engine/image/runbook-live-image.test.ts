import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingLeftOfRuns, imageIdOf, removeImageTag, testDocker } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import { buildTestImage, containerOutput, startImageContainer, TEST_IMAGE, waitHealthy, type ImageContainer } from './support.ts';
import { isFinal, unique, type BlockJson, type RunJson } from '../runs/harness.ts';

// The deployable image, end to end and offline: the node:24-slim stand-in, the prepared
// context, `docker build`, then the container as compose.yaml runs it (socket mounted, a data
// volume, an admin token), serving the shipped docs and running the shipped runbook's blocks
// against the host engine through the mounted socket. The runner tag is the test's own.

const DOC = 'RUN-runner-image';
const suffix = unique();
const CONTAINER_NAME = `runbook-live-image-test-${suffix}`;
const DATA_VOLUME = `runbook-live-image-test-data-${suffix}`;
const RUNNER_TAG = `skriptoteket-runner:image-test-${suffix}`;
const LABELS = { 'runbook-live.image-test': suffix };
const TOKEN = randomBytes(24).toString('hex');

let started: ImageContainer | undefined;
const runIds = new Set<string>();

/**
 * A request to the container's server. The admin token goes on every request: it is ignored
 * by a server without sign-in, and lets one with sign-in through.
 */
async function request(route: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${started!.url}${route}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

/** Runs one block of the shipped runbook with the test's runner tag, and waits for its end. */
async function runShippedBlock(name: string, timeoutMs: number): Promise<RunJson> {
  const doc = await request(`/api/docs/${DOC}`);
  expect(doc.status).toBe(200);
  const block = ((await doc.json()) as { blocks: BlockJson[] }).blocks.find((b) => b.name === name);
  expect(block, `the shipped runbook has a runnable block named ${name}`).toMatchObject({ runnable: true });
  const response = await request('/api/runs', { method: 'POST', body: { block: block!.id, hash: block!.hash, vars: { RUNNER_IMAGE: RUNNER_TAG } } });
  const body = (await response.json()) as { id?: string };
  expect(response.status, JSON.stringify(body)).toBe(202);
  runIds.add(body.id!);
  let last: RunJson | undefined;
  return pollUntil(
    () => `run ${body.id} of ${name} to finish; last: ${last?.status} ${last?.message ?? ''}`,
    async () => {
      last = (await (await request(`/api/runs/${body.id}`)).json()) as RunJson;
      return isFinal(last.status) ? last : undefined;
    },
    { timeoutMs, everyMs: 250 },
  );
}

beforeAll(async () => {
  const seconds = await buildTestImage();
  const size = (await testDocker.getImage(TEST_IMAGE).inspect()).Size;
  console.log(`runbook-live image: base ${seconds.base}s, context ${seconds.context}s, build ${seconds.build}s, ${Math.round(size / 1e6)} MB`);
  await testDocker.createVolume({ Name: DATA_VOLUME, Labels: LABELS });
  // Schedules off: the shipped docs' scheduled checks would otherwise start runs of their own
  // within seconds, beside the ones this test starts and accounts for.
  started = await startImageContainer({ name: CONTAINER_NAME, volume: DATA_VOLUME, labels: LABELS, env: { RUNBOOK_LIVE_TOKEN: TOKEN, RUNBOOK_LIVE_SCHEDULES: 'off' } });
  await waitHealthy(started.container);
}, 600_000);

afterAll(async () => {
  try {
    await expectNothingLeftOfRuns(runIds);
  } finally {
    await started?.container.remove({ force: true, v: true }).catch(() => {});
    await testDocker.getVolume(DATA_VOLUME).remove({ force: true }).catch(() => {});
    await removeImageTag(RUNNER_TAG);
    const containers = await testDocker.listContainers({ all: true, filters: { label: [`runbook-live.image-test=${suffix}`] } });
    const { Volumes } = await testDocker.listVolumes({ filters: { label: [`runbook-live.image-test=${suffix}`] } });
    expect({ containers: containers.map((c) => c.Names), volumes: (Volumes ?? []).map((v) => v.Name), runnerImage: await imageIdOf(RUNNER_TAG) }).toEqual({ containers: [], volumes: [], runnerImage: null });
  }
});

describe('the runbook-live image', () => {
  it('runs as a non-root user, with the documented mounts and a /healthz health check', async () => {
    const { Config, Size } = await testDocker.getImage(TEST_IMAGE).inspect();
    expect(Config.User).toBe('10001:10001');
    expect(Config.Env).toEqual(expect.arrayContaining(['HOST=0.0.0.0', 'PORT=4321', 'DOCS_DIR=/docs', 'DATA_DIR=/data', 'SYSTEMS_CONFIG=/config/runbook-live.yaml']));
    expect(Object.keys(Config.Volumes ?? {})).toEqual(['/data']);
    expect(Config.Healthcheck?.Test?.join(' ')).toContain('/healthz');
    // The container kept the image's probe command; only its interval is the test's.
    const inspected = await started!.container.inspect();
    expect(inspected.Config.Healthcheck?.Test).toEqual(Config.Healthcheck?.Test);
    // The base is about 245 MB and the server with its traced dependencies about 40: the full
    // production node_modules (Astro's build tools included) would add 160 more.
    expect(Size, `image size ${Math.round(Size / 1e6)} MB`).toBeLessThan(350e6);
  });

  it('serves the shipped docs: the catalogue and a runbook page', async () => {
    const catalogue = await request('/');
    expect(catalogue.status).toBe(200);
    const catalogueHtml = await catalogue.text();
    expect(catalogueHtml).toContain('<title>Docs · runbook-live</title>');
    expect(catalogueHtml).toContain('/docs/RUN-runner-image');

    const page = await request(`/docs/${DOC}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Runbook: build the runner image and smoke-test its contract · runbook-live</title>');

    const health = (await (await request('/healthz')).json()) as { status: string; docs: number };
    expect(health).toMatchObject({ status: 'ok', docs: 6 });
  });

  it('builds and starts the example runner on the host engine through the mounted socket', async () => {
    // The build context is /config/examples/runner: the shipped runbook-live.yaml's relative dir.
    const build = await runShippedBlock('build-runner', 180_000);
    expect(build, build.logs.map((l) => l.text).join('\n')).toMatchObject({ status: 'passed', failureKind: null, variables: { RUNNER_IMAGE: RUNNER_TAG } });
    const built = await testDocker.getImage(RUNNER_TAG).inspect();
    expect(built.Id).toBe(build.imageId);
    expect(built.Config.Labels?.['org.skriptoteket.runner.contract']).toBe('2');

    const start = await runShippedBlock('hardened-start', 60_000);
    expect(start, start.logs.map((l) => l.text).join('\n')).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(start.logs.map((l) => l.text)).toEqual(expect.arrayContaining(['uid 10001', 'root writable False']));

    // A contract check: fresh volumes, files copied in through the archive API, JSON Schemas.
    const check = await runShippedBlock('contract-smoke', 60_000);
    expect(check, check.logs.map((l) => l.text).join('\n')).toMatchObject({ status: 'passed', failureKind: null });

    // The runs were recorded in the data volume, not inside the container's own layer.
    const archive = await started!.container.getArchive({ path: '/data/runbook-live.sqlite' }).catch(async (error: Error) => {
      throw new Error(`no /data/runbook-live.sqlite in the container: ${error.message}\n${await containerOutput(started!.container)}`);
    });
    let bytes = 0;
    for await (const chunk of archive) bytes += (chunk as Buffer).length;
    expect(bytes, 'the tar of /data/runbook-live.sqlite').toBeGreaterThan(4096);
  }, 300_000);

  it('renders the other pages over the runs it recorded, whatever code they load lazily', async () => {
    const runId = [...runIds][0];
    expect(runId, 'a run of the previous test').toBeDefined();
    for (const route of ['/dashboard', '/runs', `/runs/${runId}`, '/incidents', '/health', '/metrics', '/api/docs', `/badge/${DOC}/contract-smoke.svg`]) {
      const response = await request(route);
      expect(response.status, `GET ${route}: ${response.status === 200 ? '' : (await response.text()).slice(0, 500)}`).toBe(200);
      await response.body?.cancel();
    }
    // The image holds only the traced dependency files: a file the trace missed would show here.
    expect(await containerOutput(started!.container, 'all')).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)|start-up failed/);
  });
});
