import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { testDocker } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import { freePort } from '../../support/server.ts';

const execFileAsync = promisify(execFile);

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The stand-in for node:24-slim that scripts/make-node-base-image.sh makes. */
export const NODE_BASE_IMAGE = 'local/node:24-slim';

/** The tag this test builds; kept between runs as build cache, and named so nothing else uses it. */
export const TEST_IMAGE = 'runbook-live:image-test';

/** The socket of the engine the tests use, as a host path the container can mount. */
export const SOCKET_PATH = (process.env.DOCKER_TEST_URL ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');

/** The port the image's server listens on inside the container. */
const CONTAINER_PORT = 4321;

/** Runs a command from the repository root; on failure, the error carries everything it printed. */
async function run(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  try {
    await execFileAsync(command, args, {
      cwd: ROOT,
      env: { ...process.env, DOCKER_HOST: `unix://${SOCKET_PATH}`, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
  }
}

/**
 * What CI does before the image can be built offline, in order: the local node:24-slim
 * stand-in, the prepared context (.image/), then the build itself. Returns the seconds each took.
 */
export async function buildTestImage(): Promise<{ base: number; context: number; build: number }> {
  const timed = async (step: () => Promise<void>) => {
    const start = performance.now();
    await step();
    return Math.round((performance.now() - start) / 1000);
  };
  const base = await timed(() => run('bash', ['scripts/make-node-base-image.sh']));
  const context = await timed(() => run('bash', ['scripts/prepare-image-context.sh'], { NODE: process.execPath }));
  const build = await timed(() => run('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${NODE_BASE_IMAGE}`, '-t', TEST_IMAGE, '.']));
  return { base, context, build };
}

/** A started container of the image, and where its server answers. */
export interface ImageContainer {
  container: Dockerode.Container;
  url: string;
}

/**
 * Starts the image as compose.yaml does: the engine's socket mounted, with the socket's group
 * added so the non-root user can use it, `volume` at /data, published on loopback only. On an
 * engine without a bridge network (scripts/docker-engine.sh's last fallback) it shares the
 * host's network instead, listening on loopback. Health is checked every second instead of
 * the image's interval, with the image's own command.
 */
export async function startImageContainer(options: { name: string; volume: string; labels: Record<string, string>; env: Record<string, string> }): Promise<ImageContainer> {
  const hasBridge = await testDocker.getNetwork('bridge').inspect().then(() => true, () => false);
  const hostPort = hasBridge ? null : await freePort();
  const container = await testDocker.createContainer({
    name: options.name,
    Image: TEST_IMAGE,
    Labels: options.labels,
    Env: Object.entries({ ...options.env, ...(hostPort ? { HOST: '127.0.0.1', PORT: String(hostPort) } : {}) }).map(([key, value]) => `${key}=${value}`),
    ExposedPorts: { [`${CONTAINER_PORT}/tcp`]: {} },
    Healthcheck: { Interval: 1_000_000_000, Timeout: 5_000_000_000, Retries: 3 },
    HostConfig: {
      Init: true,
      Binds: [`${SOCKET_PATH}:/var/run/docker.sock`, `${options.volume}:/data`],
      GroupAdd: [String(statSync(SOCKET_PATH).gid)],
      ...(hostPort ? { NetworkMode: 'host' } : { PortBindings: { [`${CONTAINER_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] } }),
    },
  });
  await container.start();
  const inspected = await container.inspect();
  const published = hostPort ?? Number(inspected.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0]?.HostPort);
  return { container, url: `http://127.0.0.1:${published}` };
}

/** What the container printed so far: its last `tail` lines, or all of it. */
export async function containerOutput(container: Dockerode.Container, tail: number | 'all' = 50): Promise<string> {
  const buffer = (await container.logs({ stdout: true, stderr: true, ...(tail === 'all' ? {} : { tail }) }).catch(() => Buffer.from('(no logs)'))) as Buffer;
  // Multiplexed frames carry an 8-byte header each; dropping non-printable bytes is enough to read them.
  return buffer.toString('utf8').replace(/[\u0000-\u0008\u000e-\u001f]/g, '');
}

/** Waits until Docker reports the container healthy; fails at once if it stops or turns unhealthy. */
export async function waitHealthy(container: Dockerode.Container, timeoutMs = 120_000): Promise<void> {
  let last = 'not inspected yet';
  await pollUntil(
    () => `the container to be healthy; last state: ${last}`,
    async () => {
      const { State } = await container.inspect();
      last = `${State.Status}, health ${State.Health?.Status ?? 'none'}`;
      if (!State.Running || State.Health?.Status === 'unhealthy') {
        const probes = (State.Health?.Log ?? []).map((probe) => `exit ${probe.ExitCode}: ${probe.Output}`).join('\n');
        throw new Error(`the container is ${last}\nhealth probes:\n${probes}\noutput:\n${await containerOutput(container)}`);
      }
      return State.Health?.Status === 'healthy';
    },
    { timeoutMs, everyMs: 250 },
  );
}
