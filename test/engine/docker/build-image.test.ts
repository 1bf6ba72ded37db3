import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BuildContextError } from '../../../src/lib/docker/errors.ts';
import { buildStepContainers } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import { engineClient, expectNoManagedLeftovers, fixtureDir, outputRecorder, uniqueRunId, waitForBaseImage } from './support.ts';

const client = engineClient();
const builtTags: string[] = [];

/** A unique tag for a fixture image, removed again in afterAll. */
function fixtureTag(name: string): string {
  const tag = `runbook-live-test/${name}:${uniqueRunId(name)}`;
  builtTags.push(tag);
  return tag;
}

describe('DockerodeClient.buildImage (real engine)', () => {
  beforeAll(async () => {
    await waitForBaseImage(client);
  });

  beforeEach(() => client.newScope());

  afterEach(async ({ task }) => {
    await expectNoManagedLeftovers(client, task);
  });

  afterAll(async () => {
    for (const tag of builtTags) await client.removeImage(tag);
  });

  it('builds a context honouring .dockerignore and streams the build log', async () => {
    const tag = fixtureTag('basic');
    const logs: string[] = [];
    const result = await client.buildImage(
      { contextDir: fixtureDir('basic'), tags: [tag], buildArgs: { GREETING: 'howdy' }, labels: { 'test.fixture': 'basic' } },
      { onLog: (line) => logs.push(line) },
    );

    expect(result).toMatchObject({ ok: true, tags: [tag] });
    if (!result.ok) return;
    expect(result.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.sizeBytes).toBeGreaterThan(1_000_000);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(logs.some((line) => /^Step 1\/\d+ : FROM python:3.13-slim/.test(line))).toBe(true);
    expect(logs.every((line) => !line.includes('\n'))).toBe(true);

    const details = await client.inspectImage(tag);
    expect(details).toMatchObject({
      id: result.imageId,
      tags: [tag],
      user: '10001',
      workingDir: '/ctx',
      cmd: ['python3', 'app/hello.py'],
      entrypoint: [],
    });
    expect(details.env.GREETING).toBe('howdy');
    expect(details.labels['test.fixture']).toBe('basic');

    const out = outputRecorder();
    const listing = 'import os\nfor root, dirs, files in os.walk("/ctx"):\n    for f in files:\n        print(os.path.relpath(os.path.join(root, f), "/ctx"))';
    const listed = await client.runContainer({ image: tag, cmd: ['python3', '-c', listing] }, { onLog: out.onLog });
    expect(listed.exitCode).toBe(0);
    const files = out.stdout().sort();
    expect(files).toContain('app/hello.py');
    expect(files).toContain('cache/keep.txt');
    expect(files).toContain('docker/Dockerfile.alt');
    expect(files).not.toContain('secret.txt');
    expect(files).not.toContain('NOTES.md');
    expect(files).not.toContain('cache/dropped.txt');
    // Sent so the engine can read it, but ignored, so the engine leaves it out of COPY.
    expect(files).not.toContain('Dockerfile');

    const hello = outputRecorder();
    const ran = await client.runContainer({ image: tag }, { onLog: hello.onLog });
    expect(ran.exitCode).toBe(0);
    expect(hello.stdout()).toEqual(['howdy from the fixture']);
  });

  it('takes the Dockerfile path relative to the context', async () => {
    const tag = fixtureTag('alt');
    const result = await client.buildImage({ contextDir: fixtureDir('basic'), dockerfile: 'docker/Dockerfile.alt', tags: [tag] });
    expect(result.ok).toBe(true);
    const out = outputRecorder();
    await client.runContainer({ image: tag }, { onLog: out.onLog });
    expect(out.stdout()).toEqual(['unset from the fixture']);
  });

  it('reports a failing step as ok:false with the engine error text', async () => {
    const logs: string[] = [];
    const result = await client.buildImage({ contextDir: fixtureDir('failing'), tags: [fixtureTag('failing')] }, { onLog: (line) => logs.push(line) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.cancelled).toBe(false);
    expect(result.error).toMatch(/returned a non-zero code: 3/);
    expect(logs).toContain('about to fail');
  });

  it('reports an engine refusal (unknown target stage) as ok:false', async () => {
    const result = await client.buildImage({ contextDir: fixtureDir('failing'), tags: [fixtureTag('failing')], target: 'no-such-stage' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/no-such-stage/);
  });

  it('cancels a running build through the abort signal', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const result = await client.buildImage(
      // The build arg reaches the step as environment, marking its container as this test's.
      { contextDir: fixtureDir('slow'), tags: [fixtureTag('slow')], noCache: true, buildArgs: { TEST_SCOPE: client.scope } },
      { signal: controller.signal, onLog: (line) => line === 'slow step started' && controller.abort() },
    );
    expect(result).toMatchObject({ ok: false, cancelled: true });
    expect(performance.now() - started).toBeLessThan(20_000);

    // The engine notices the dropped connection and removes the step's container (forcerm).
    const stepContainers = async (): Promise<number> => (await buildStepContainers('slow step started', `TEST_SCOPE=${client.scope}`)).length;
    let left = 0;
    await pollUntil(() => `the engine to remove the cancelled step's container (${left} left)`, async () => (left = await stepContainers()) === 0, { timeoutMs: 15_000, everyMs: 250 });
    expect(await stepContainers()).toBe(0);
  });

  it('rejects a Dockerfile outside the context before contacting the engine', async () => {
    const attempt = client.buildImage({ contextDir: fixtureDir('basic'), dockerfile: '../failing/Dockerfile' });
    await expect(attempt).rejects.toBeInstanceOf(BuildContextError);
    await expect(attempt).rejects.toThrow(/outside the context/);
    await expect(client.buildImage({ contextDir: fixtureDir('no-such-dir') })).rejects.toThrow(/does not exist/);
  });
});
