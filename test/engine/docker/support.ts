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

/** A run id unique to one test, used as the `runbook-live.run-id` label. */
export function uniqueRunId(prefix: string): string {
  return `engine-test-${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The label that scopes a Docker-layer test: everything the test creates carries it, with a value of its own. */
export const TEST_SCOPE_LABEL = 'runbook-live-test.scope';

type ContainerSpec = Parameters<DockerodeClient['createContainer']>[0];
type Labels = NonNullable<ContainerSpec['labels']>;

/**
 * A client for the test engine that puts the current test's scope label on every container
 * and volume it creates (`runContainer` creates through `createContainer` too), so clean-up
 * and leftover checks look at that test's resources only, never at another run's on the
 * same engine. `newScope()` (in a beforeEach) gives each test its own.
 */
export class ScopedEngineClient extends DockerodeClient {
  scope = uniqueRunId('scope');

  /** A fresh scope for the next test. */
  newScope(): void {
    this.scope = uniqueRunId('scope');
  }

  /** The current scope as a label set, as `removeManaged` takes it. */
  get scopeLabels(): Labels {
    return { [TEST_SCOPE_LABEL]: this.scope };
  }

  /** Whether a listed container or volume belongs to the current scope. */
  inScope(resource: { labels: Labels }): boolean {
    return resource.labels[TEST_SCOPE_LABEL] === this.scope;
  }

  override createContainer(spec: ContainerSpec): Promise<string> {
    return super.createContainer({ ...spec, labels: { ...spec.labels, ...this.scopeLabels } });
  }

  override createVolume(labels?: Labels): Promise<string> {
    return super.createVolume({ ...labels, ...this.scopeLabels });
  }
}

/** A scoped client for the engine the tests run against (DOCKER_TEST_URL, else the default socket). */
export function engineClient(): ScopedEngineClient {
  return new ScopedEngineClient(DockerodeClient.fromConfig({ name: 'engine-tests', url: process.env.DOCKER_TEST_URL }).target);
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
 * The invariant every Docker-layer test ends with: no container or volume of its scope is
 * left on the engine, or the test fails by name. Leftovers are removed (by the scope label
 * only) before failing, so one leak does not cascade into the following tests.
 */
export async function expectNoManagedLeftovers(client: ScopedEngineClient, test: { fullTestName: string }): Promise<void> {
  const containers = (await client.listManaged()).filter((c) => client.inScope(c));
  const volumes = (await client.listManagedVolumes()).filter((v) => client.inScope(v));
  if (containers.length > 0 || volumes.length > 0) await client.removeManaged(client.scopeLabels);
  expect(
    [...containers.map((c) => `container ${c.name} (${c.image}, ${c.state})`), ...volumes.map((v) => `volume ${v.name}`)],
    `left on the engine by test "${test.fullTestName}"`,
  ).toEqual([]);
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
