import Dockerode from 'dockerode';
import { expect } from 'vitest';

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

/**
 * Asserts that no container of these runs is left on the engine. Leftovers are removed
 * before the assertion fails, so one leak does not cascade into the following tests.
 */
export async function expectNoContainersOfRuns(runIds: Iterable<string>): Promise<void> {
  const left = await containersOfRuns(runIds);
  for (const container of left) await testDocker.getContainer(container.id).remove({ force: true, v: true }).catch(() => {});
  expect(left.map((c) => `${c.name} (run ${c.runId}, block ${c.blockId}, ${c.state})`)).toEqual([]);
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
