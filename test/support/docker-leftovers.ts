import Dockerode from 'dockerode';
import { expect, TestRunner } from 'vitest';

/** The engine the tests run against (DOCKER_TEST_URL as unix:///path, else the default socket). */
export const testDocker = new Dockerode({
  socketPath: (process.env.DOCKER_TEST_URL ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, ''),
});

/** A managed container as the engine lists it. */
export interface LeftoverContainer {
  id: string;
  name: string;
  state: string;
  runId: string;
  blockId: string;
}

/** A managed volume as the engine lists it. */
export interface LeftoverVolume {
  name: string;
  runId: string;
}

/**
 * Containers labelled `runbook-live.managed=true` whose `runbook-live.run-id` is one of
 * `runIds`. Only these are looked at, so tests that run at the same time on the same engine
 * (with their own run ids) never disturb each other.
 */
export async function containersOfRuns(runIds: Iterable<string>): Promise<LeftoverContainer[]> {
  const wanted = new Set(runIds);
  if (wanted.size === 0) return [];
  const listed = await testDocker.listContainers({ all: true, filters: { label: ['runbook-live.managed=true'] } });
  return listed
    .filter((c) => wanted.has(c.Labels?.['runbook-live.run-id'] ?? ''))
    .map((c) => ({
      id: c.Id,
      name: (c.Names?.[0] ?? '').replace(/^\//, ''),
      state: c.State,
      runId: c.Labels['runbook-live.run-id'] ?? '',
      blockId: c.Labels['runbook-live.block-id'] ?? '',
    }));
}

/** Volumes labelled `runbook-live.managed=true` whose `runbook-live.run-id` is one of `runIds` (scoped like `containersOfRuns`). */
export async function volumesOfRuns(runIds: Iterable<string>): Promise<LeftoverVolume[]> {
  const wanted = new Set(runIds);
  if (wanted.size === 0) return [];
  const { Volumes } = await testDocker.listVolumes({ filters: { label: ['runbook-live.managed=true'] } });
  return (Volumes ?? [])
    .filter((v) => wanted.has(v.Labels?.['runbook-live.run-id'] ?? ''))
    .map((v) => ({ name: v.Name, runId: v.Labels['runbook-live.run-id'] ?? '' }));
}

/**
 * Asserts that no container and no volume of these runs is left on the engine, failing with
 * each leftover and who started its run: `owner` names it, or maps a run id to it, and defaults
 * to the test running now (in a test or its afterEach). Leftovers are removed before the
 * assertion fails, so one leak does not cascade into the following tests; nothing outside
 * these runs is touched.
 */
export async function expectNothingLeftOfRuns(runIds: Iterable<string>, owner: string | ((runId: string) => string) = currentTestName()): Promise<void> {
  const ownerOf = typeof owner === 'string' ? () => owner : owner;
  const ids = new Set(runIds);
  const containers = await containersOfRuns(ids);
  for (const container of containers) await testDocker.getContainer(container.id).remove({ force: true, v: true }).catch(() => {});
  // Volumes after containers: a volume still mounted cannot go.
  const volumes = await volumesOfRuns(ids);
  for (const volume of volumes) await testDocker.getVolume(volume.name).remove({ force: true }).catch(() => {});
  expect(
    [
      ...containers.map((c) => `container ${c.name} of run ${c.runId} (block ${c.blockId}, ${c.state}), started by ${ownerOf(c.runId)}`),
      ...volumes.map((v) => `volume ${v.name} of run ${v.runId}, started by ${ownerOf(v.runId)}`),
    ],
    'containers and volumes left on the engine',
  ).toEqual([]);
}

/** The test running now, as leftover messages name it; outside a test, the file's hooks. */
export function currentTestName(): string {
  const test = TestRunner.getCurrentTest();
  return test ? `test "${test.fullTestName}"` : "this file's beforeAll/afterAll";
}

/**
 * Containers of an image build's RUN step whose command contains `command` and whose
 * environment has `env` (`KEY=value`): the classic builder labels none of them, but passes the
 * build args to the step as environment, so a per-run build arg tells this run's apart from
 * those of other runs building the same fixture on the same engine.
 */
export async function buildStepContainers(command: string, env: string): Promise<string[]> {
  const found: string[] = [];
  for (const listed of await testDocker.listContainers({ all: true })) {
    if (!listed.Command.includes(command)) continue;
    const details = await testDocker.getContainer(listed.Id).inspect().catch(() => null);
    // Gone between listing and inspecting: the engine removed it, which is what tests wait for.
    if (details?.Config.Env?.includes(env)) found.push(`${listed.Id.slice(0, 12)} ${details.State.Status}`);
  }
  return found;
}

/** Removes an image tag (the image itself goes too when no other tag holds it); a missing tag is fine. */
export async function removeImageTag(tag: string): Promise<void> {
  try {
    await testDocker.getImage(tag).remove({ noprune: false });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

/** The engine's image id for a tag, or null when no image has it. */
export async function imageIdOf(tag: string): Promise<string | null> {
  try {
    return (await testDocker.getImage(tag).inspect()).Id;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}
