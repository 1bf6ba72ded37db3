import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildRunnerVariants, removeRunnerVariants, RUNNER_VARIANTS } from '../../support/runner-variants.ts';
import { managedVolumesFor } from '../../support/managed-containers.ts';
import { unique, waitForRunningContainer, type RunsApi } from '../runs/harness.ts';
import { CHECK_BLOCK, expectNothingLeftOf, startShippedServer } from './support.ts';

// The shipped contract check when it cannot run (missing image) or is cancelled: the run ends
// with the right failure kind and leaves neither its container nor its /work volume behind.

const HANGS = RUNNER_VARIANTS.find((v) => v.name === 'hangs-past-timeout')!.image;

let api: RunsApi;
let stopServer: () => Promise<void>;

beforeAll(async () => {
  await buildRunnerVariants();
  ({ api, cleanup: stopServer } = await startShippedServer());
});

afterEach(async ({ task }) => {
  await api.expectNoLeftovers(task);
});

afterAll(async () => {
  try {
    // Every run of this file, whoever started it; never other runs' resources on the engine.
    await api?.expectNoLeftovers();
    for (const runId of api?.runIds ?? []) await expectNothingLeftOf(runId);
  } finally {
    await stopServer?.();
    await removeRunnerVariants();
  }
});

describe('a contract check that cannot run or is stopped', () => {
  it('names a missing image as image_not_found and creates no volume', async () => {
    const missing = `runbook-live-test/no-such-runner:${unique()}`;
    const started = await api.start(CHECK_BLOCK, { vars: { RUNNER_IMAGE: missing } });
    const run = await api.waitFinished(started.id);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'image_not_found', exitCode: null, imageId: null });
    expect(run.message).toContain(missing);
    expect(await managedVolumesFor(run.id)).toEqual([]);
    await expectNothingLeftOf(run.id);
  });

  it('is cancelled mid-run: the hanging runner is killed, and its container and volume are removed', async () => {
    const started = await api.start(CHECK_BLOCK, { vars: { RUNNER_IMAGE: HANGS } });
    await waitForRunningContainer(started.id);
    // While it runs, its container and its /work volume exist, labelled with the run id.
    expect(await managedVolumesFor(started.id)).toHaveLength(1);
    await api.waitUntil(started.id, (r) => r.logs.some((l) => l.text.includes('Contract smoke:')), 10_000);

    const cancelledAt = Date.now();
    const cancel = await api.cancel(started.id);
    expect(cancel).toMatchObject({ status: 202, body: { id: started.id, status: 'cancelling' } });
    const run = await api.waitFinished(started.id, 15_000);
    expect(run).toMatchObject({ status: 'cancelled', failureKind: 'cancelled' });
    // Well before the check's own 20 s timeout.
    expect(Date.parse(run.finishedAt!) - cancelledAt).toBeLessThan(10_000);
    expect(Date.parse(run.finishedAt!) - Date.parse(run.startedAt!)).toBeLessThan(20_000);
    await expectNothingLeftOf(run.id);

    expect((await api.cancel(started.id)).status).toBe(409);
  });

  it('is cancelled right after it was started: whatever phase it was in, nothing is left', async () => {
    const started = await api.start(CHECK_BLOCK, { vars: { RUNNER_IMAGE: HANGS } });
    expect((await api.cancel(started.id)).status).toBe(202);
    const run = await api.waitFinished(started.id, 15_000);
    expect(run).toMatchObject({ status: 'cancelled', failureKind: 'cancelled' });
    await expectNothingLeftOf(run.id);
  });
});
