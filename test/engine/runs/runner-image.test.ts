import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { imageIdOf, removeImageTag, testDocker } from '../../support/docker-leftovers.ts';
import { ROOT, RunsApi, unique } from './harness.ts';

// The shipped content and the shipped runbook-live.yaml, exactly as an operator runs them:
// the runbook's own blocks build, inspect and start the example runner. Only the tag is the
// test's own, passed as a RUNNER_IMAGE override in the POST like the Run form does.

const DOC = 'RUN-runner-image';
const TEST_TAG = `skriptoteket-runner:test-${unique()}`;

let server: RunningServer;
let api: RunsApi;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-data-'));
  server = await startServer({ DOCS_DIR: path.join(ROOT, 'content'), DATA_DIR: dataDir, SYSTEMS_CONFIG: path.join(ROOT, 'runbook-live.yaml') });
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
    await removeImageTag(TEST_TAG);
    expect(await imageIdOf(TEST_TAG)).toBeNull();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** The shipped runbook's block with this name (ids are `<doc>/<name>`). */
async function shippedBlock(name: string) {
  const block = (await api.blocks(DOC)).find((b) => b.name === name);
  expect(block, `the shipped runbook has a block named ${name}`).toBeDefined();
  return block!;
}

describe('the shipped runner runbook', () => {
  it('builds the example runner through the API from the runbook block, under an overridden tag', async () => {
    const block = await shippedBlock('build-runner');
    expect(block).toMatchObject({ id: `${DOC}/build-runner`, runnable: true, steps: ['build'], targets: ['local'] });
    expect(block.variables).toEqual([expect.objectContaining({ name: 'RUNNER_IMAGE', default: 'skriptoteket-runner:latest', kind: 'image' })]);

    const started = await api.start(block.id, { vars: { RUNNER_IMAGE: TEST_TAG } });
    const events = await api.events(started.id, { timeoutMs: 120_000 });
    const finished = events.at(-1)!;
    expect(finished.event).toBe('finished');
    expect(events.filter((e) => e.event === 'log').length).toBeGreaterThan(3);

    const run = await api.run(started.id);
    expect(run).toMatchObject({ status: 'passed', failureKind: null, variables: { RUNNER_IMAGE: TEST_TAG } });
    expect(run.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((finished.data as { run: { imageId: string } }).run.imageId).toBe(run.imageId);
    expect(run.result).toMatchObject({ steps: [{ kind: 'build', tags: [TEST_TAG], imageId: run.imageId }] });
    expect(run.logs.some((l) => l.text.includes('Dockerfile.runner') || /^Step 1\/\d+ : ARG BASE_IMAGE/.test(l.text))).toBe(true);

    // The engine has the image under the test tag, built from Dockerfile.runner.
    const inspected = await testDocker.getImage(TEST_TAG).inspect();
    expect(inspected.Id).toBe(run.imageId);
    expect(inspected.RepoTags).toContain(TEST_TAG);
    expect(inspected.Config.User).toBe('10001');
    expect(inspected.Config.Labels?.['org.skriptoteket.runner.contract']).toBe('2');
  }, 150_000);

  it('inspects and starts the built runner with the same override', async () => {
    const inspect = await shippedBlock('inspect-runner');
    const inspected = await api.waitFinished((await api.start(inspect.id, { vars: { RUNNER_IMAGE: TEST_TAG } })).id);
    expect(inspected).toMatchObject({ status: 'passed', imageId: await imageIdOf(TEST_TAG) });

    const hardened = await shippedBlock('hardened-start');
    expect(hardened.steps).toEqual(['run']);
    const started = await api.waitFinished((await api.start(hardened.id, { vars: { RUNNER_IMAGE: TEST_TAG } })).id);
    expect(started).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(started.logs.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['uid 10001', 'root writable False']);
  });
});
