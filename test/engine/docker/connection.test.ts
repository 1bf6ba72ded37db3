import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDockerTarget, toDockerodeOptions } from '../../../src/lib/docker/docker-target.ts';
import { DockerodeClient } from '../../../src/lib/docker/dockerode-client.ts';
import { DockerUnreachableError, InvalidDockerTargetError } from '../../../src/lib/docker/errors.ts';
import { engineClient, expectNoManagedLeftovers } from './support.ts';

const client = engineClient();

describe('engine connection (real engine)', () => {
  beforeEach(() => client.newScope());

  afterEach(async ({ task }) => {
    await expectNoManagedLeftovers(client, task);
  });

  it('pings the engine and reports its versions', async () => {
    const status = await client.ping();
    expect(status.reachable).toBe(true);
    expect(status.engineVersion).toMatch(/^\d+\.\d+/);
    expect(status.apiVersion).toMatch(/^1\.\d+$/);
  });

  it('reports engine facts from info()', async () => {
    const info = await client.info();
    expect(info).toMatchObject({ reachable: true, os: expect.any(String), storageDriver: expect.any(String) });
    expect(info.arch.length).toBeGreaterThan(0);
    expect(Array.isArray(info.securityOptions)).toBe(true);
  });

  it('fails fast with DockerUnreachableError naming a missing socket', async () => {
    const dead = DockerodeClient.fromConfig({ name: 'dead', url: 'unix:///tmp/nope.sock' });
    const started = performance.now();
    const error = await dead.ping().catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(DockerUnreachableError);
    expect((error as DockerUnreachableError).code).toBe('DockerUnreachable');
    expect((error as DockerUnreachableError).reason).toBe('ENOENT');
    expect((error as Error).message).toContain('/tmp/nope.sock');
    expect((error as Error).message).toMatch(/start the Docker engine/);
  });

  it('maps unreachable engines on every call, not only ping', async () => {
    const dead = DockerodeClient.fromConfig({ name: 'dead', url: 'unix:///tmp/nope.sock' });
    await expect(dead.runContainer({ image: 'anything', cmd: ['true'] })).rejects.toBeInstanceOf(DockerUnreachableError);
    await expect(dead.listManaged()).rejects.toBeInstanceOf(DockerUnreachableError);
    await expect(dead.inspectImage('anything')).rejects.toBeInstanceOf(DockerUnreachableError);
  });

  it('reports a refused tcp connection with the URL tried', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const refused = DockerodeClient.fromConfig({ name: 'refused', url: `tcp://127.0.0.1:${port}` });
    const error = await refused.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerUnreachableError);
    expect((error as DockerUnreachableError).reason).toBe('ECONNREFUSED');
    expect((error as Error).message).toContain(`tcp://127.0.0.1:${port}`);
  });

  it('gives up on a socket that never answers after the ping timeout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rl-silent-'));
    const socketPath = path.join(dir, 'silent.sock');
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const silent = DockerodeClient.fromConfig({ name: 'silent', url: `unix://${socketPath}` }, { pingTimeoutMs: 300 });
      const started = performance.now();
      const error = await silent.ping().catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(DockerUnreachableError);
      expect((error as DockerUnreachableError).reason).toBe('TIMEOUT');
      expect((error as Error).message).toContain(socketPath);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseDockerTarget', () => {
  it('defaults to the local socket', () => {
    expect(parseDockerTarget({ name: 'local' })).toEqual({
      name: 'local',
      kind: 'unix',
      url: 'unix:///var/run/docker.sock',
      host: '/var/run/docker.sock',
      socketPath: '/var/run/docker.sock',
    });
  });

  it('parses tcp with default ports and TLS, and ssh', () => {
    expect(parseDockerTarget({ name: 'a', url: 'tcp://10.0.0.5' })).toMatchObject({ kind: 'tcp', port: 2375, host: 'tcp://10.0.0.5:2375' });
    const dir = mkdtempSync(path.join(tmpdir(), 'rl-tls-'));
    try {
      for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(dir, file), `${file}\n`);
      const tls = { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
      const target = parseDockerTarget({ name: 'b', url: 'tcp://docker.internal', tls });
      expect(target).toMatchObject({ kind: 'tcp', port: 2376, tls });
      const options = toDockerodeOptions(target);
      expect(options).toMatchObject({ protocol: 'https', host: 'docker.internal', port: 2376, socketPath: undefined });
      expect(String(options.key)).toBe('key.pem\n');
      expect(() => toDockerodeOptions(parseDockerTarget({ name: 'c', url: 'tcp://h:1', tls: { ca: path.join(dir, 'missing.pem') } }))).toThrow(
        /tls\.ca: cannot read .*missing\.pem/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const ssh = parseDockerTarget({ name: 'd', url: 'ssh://deploy@build-host' });
    expect(ssh).toMatchObject({ kind: 'ssh', username: 'deploy', hostname: 'build-host', port: 22, host: 'ssh://deploy@build-host:22' });
    expect(toDockerodeOptions(ssh, {})).toMatchObject({ protocol: 'ssh', host: 'build-host', port: 22, username: 'deploy' });
  });

  it('rejects bad targets with a clear InvalidDockerTargetError', () => {
    const cases: [unknown, RegExp][] = [
      [{ url: 'unix:///var/run/docker.sock' }, /"\(unnamed\)".*\n.*name/],
      [{ name: 'x', url: 'unix://relative.sock' }, /socket path must be absolute/],
      [{ name: 'x', url: 'http://host:2375' }, /scheme http:\/\/ is not supported/],
      [{ name: 'x', url: 'ssh://host' }, /name the remote user/],
      [{ name: 'x', url: 'tcp://host:2376', tls: { cert: '/c.pem' } }, /cert and key must be given together/],
      [{ name: 'x', url: 'unix:///s.sock', tls: { ca: '/ca.pem' } }, /tls applies to tcp/],
      [{ name: 'x', url: 'tcp://host', extra: 1 }, /Unrecognized key/i],
    ];
    for (const [config, message] of cases) {
      expect(() => parseDockerTarget(config)).toThrow(InvalidDockerTargetError);
      expect(() => parseDockerTarget(config)).toThrow(message);
    }
  });
});
