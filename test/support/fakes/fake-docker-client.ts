import { vi, type Mock } from 'vitest';
import type { DockerClient } from '../../../src/lib/docker/docker-client.ts';

type Methods = { [K in keyof DockerClient as DockerClient[K] extends (...args: never[]) => unknown ? K : never]: DockerClient[K] };

/** A DockerClient whose every method is a vitest mock; `target` is a unix socket named `local`. */
export type FakeDockerClient = DockerClient & { [K in keyof Methods]: Mock<Methods[K]> };

/**
 * A fake engine for unit tests. Methods given in `overrides` behave as given; every other
 * method rejects naming itself, so a test notices an engine call it did not expect.
 */
export function fakeDockerClient(overrides: Partial<Methods> = {}): FakeDockerClient {
  const names: Array<keyof Methods> = [
    'ping', 'info', 'buildImage', 'runContainer', 'inspectImage', 'removeImage', 'createContainer', 'startAndWait', 'inspectContainer',
    'removeContainer', 'createVolume', 'removeVolume', 'putArchive', 'getArchive', 'listManaged', 'listManagedVolumes', 'removeManaged',
  ];
  const client: Record<string, unknown> = {
    target: { name: 'local', kind: 'unix', url: 'unix:///var/run/docker.sock', host: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' },
  };
  for (const name of names) {
    const implementation = overrides[name] ?? (async () => Promise.reject(new Error(`fake DockerClient: ${name} was not expected in this test`)));
    client[name] = vi.fn(implementation as (...args: unknown[]) => unknown);
  }
  return client as unknown as FakeDockerClient;
}
