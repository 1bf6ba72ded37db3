import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { DockerodeClient } from '../../../src/lib/docker/dockerode-client.ts';
import { ImageNotFoundError } from '../../../src/lib/docker/errors.ts';
import { pollUntil } from '../../support/poll.ts';

/** The local base image every fixture builds from (tag of local/python:3-bookworm). */
export const BASE_IMAGE = 'python:3.13-slim';

/** `test/fixtures/docker/<name>`. */
export function fixtureDir(name: string): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/docker', name);
}

/** A client for the engine the tests run against (DOCKER_TEST_URL, else the default socket). */
export function engineClient(): DockerodeClient {
  return DockerodeClient.fromConfig({ name: 'engine-tests', url: process.env.DOCKER_TEST_URL });
}

/** A run id unique to one test, used as the `runbook-live.run-id` label. */
export function uniqueRunId(prefix: string): string {
  return `engine-test-${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Waits until the base image exists: it is produced by examples/make-base-image.sh. */
export async function waitForBaseImage(client: DockerodeClient, timeoutMs = 170_000): Promise<void> {
  await pollUntil(
    `the base image ${BASE_IMAGE}`,
    () =>
      client.inspectImage(BASE_IMAGE).then(
        () => true,
        (error: unknown) => {
          if (error instanceof ImageNotFoundError) return false;
          throw error;
        },
      ),
    { timeoutMs, everyMs: 2_000 },
  );
}

/**
 * The invariant every engine test ends with: no container or volume labelled
 * `runbook-live.managed=true` is left on the engine. Leftovers are removed before failing, so one
 * leak does not cascade into every following test.
 */
export async function expectNoManagedLeftovers(client: DockerodeClient): Promise<void> {
  const containers = await client.listManaged();
  const volumes = await client.listManagedVolumes();
  if (containers.length > 0 || volumes.length > 0) await client.removeManaged();
  expect(containers.map((c) => `${c.name} (${c.image}, ${c.state})`)).toEqual([]);
  expect(volumes.map((v) => v.name)).toEqual([]);
}

/** Collects run output per stream, with the time each line arrived. */
export function outputRecorder(): {
  lines: { stream: 'stdout' | 'stderr'; line: string; at: number }[];
  stdout: () => string[];
  stderr: () => string[];
  onLog: (stream: 'stdout' | 'stderr', line: string) => void;
} {
  const lines: { stream: 'stdout' | 'stderr'; line: string; at: number }[] = [];
  return {
    lines,
    stdout: () => lines.filter((l) => l.stream === 'stdout').map((l) => l.line),
    stderr: () => lines.filter((l) => l.stream === 'stderr').map((l) => l.line),
    onLog: (stream, line) => lines.push({ stream, line, at: performance.now() }),
  };
}
