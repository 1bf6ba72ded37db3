import { readFileSync } from 'node:fs';
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { formatZodIssues } from '../shared/index.ts';
import { InvalidDockerTargetError } from './errors.ts';

/** The engine every target uses unless it says otherwise. */
export const DEFAULT_DOCKER_URL = 'unix:///var/run/docker.sock';

/** A target as written in configuration: a name and where its engine listens. */
export const dockerTargetConfigSchema = z.object({
  name: z.string().trim().min(1, 'name must not be empty'),
  url: z.string().trim().min(1).default(DEFAULT_DOCKER_URL),
  tls: z
    .object({
      ca: z.string().min(1).optional(),
      cert: z.string().min(1).optional(),
      key: z.string().min(1).optional(),
    })
    .strict()
    .optional(),
}).strict();

/** Input form of a target config (url may be omitted). */
export type DockerTargetConfig = z.input<typeof dockerTargetConfigSchema>;

/** TLS material for a tcp target, as file paths. */
export interface DockerTlsPaths {
  ca?: string;
  cert?: string;
  key?: string;
}

/** A validated target: which transport, and the host string used in every message. */
export type DockerTarget =
  | { name: string; kind: 'unix'; url: string; host: string; socketPath: string }
  | { name: string; kind: 'tcp'; url: string; host: string; hostname: string; port: number; tls?: DockerTlsPaths }
  | { name: string; kind: 'ssh'; url: string; host: string; hostname: string; port: number; username: string };

/** Validates a target config and parses its URL; throws `InvalidDockerTargetError` listing every problem. */
export function parseDockerTarget(config: unknown): DockerTarget {
  const parsed = dockerTargetConfigSchema.safeParse(config);
  const rawName = (config as { name?: unknown } | null)?.name;
  const label = typeof rawName === 'string' && rawName.trim() ? rawName.trim() : '(unnamed)';
  if (!parsed.success) throw new InvalidDockerTargetError(label, formatZodIssues(parsed.error));
  const { name, url, tls } = parsed.data;
  const fail = (problem: string): never => {
    throw new InvalidDockerTargetError(name, [problem]);
  };

  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) fail(`url "${url}": the socket path must be absolute, e.g. unix:///var/run/docker.sock`);
    if (tls) fail('tls applies to tcp:// targets only');
    return { name, kind: 'unix', url, host: socketPath, socketPath };
  }

  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    return fail(`url "${url}" is not a URL`);
  }
  if (parsedUrl.pathname !== '' && parsedUrl.pathname !== '/') fail(`url "${url}": a path is not supported`);
  if (!parsedUrl.hostname) fail(`url "${url}" has no host`);

  if (parsedUrl.protocol === 'tcp:') {
    if (parsedUrl.username || parsedUrl.password) fail(`url "${url}": credentials in a tcp:// URL are not supported; use tls`);
    const hasTls = Boolean(tls && (tls.ca || tls.cert || tls.key));
    if (tls && (Boolean(tls.cert) !== Boolean(tls.key))) fail('tls: cert and key must be given together');
    const port = parsedUrl.port ? Number(parsedUrl.port) : hasTls ? 2376 : 2375;
    const host = `tcp://${parsedUrl.hostname}:${port}`;
    return hasTls
      ? { name, kind: 'tcp', url, host, hostname: parsedUrl.hostname, port, tls }
      : { name, kind: 'tcp', url, host, hostname: parsedUrl.hostname, port };
  }

  if (parsedUrl.protocol === 'ssh:') {
    if (tls) fail('tls applies to tcp:// targets only; ssh uses your SSH agent (SSH_AUTH_SOCK)');
    if (!parsedUrl.username) fail(`url "${url}": name the remote user, e.g. ssh://deploy@${parsedUrl.hostname}`);
    if (parsedUrl.password) fail(`url "${url}": passwords in the URL are not supported; use an SSH agent`);
    const port = parsedUrl.port ? Number(parsedUrl.port) : 22;
    const username = decodeURIComponent(parsedUrl.username);
    const host = `ssh://${username}@${parsedUrl.hostname}:${port}`;
    return { name, kind: 'ssh', url, host, hostname: parsedUrl.hostname, port, username };
  }

  return fail(`url "${url}": scheme ${parsedUrl.protocol}// is not supported`);
}

/**
 * Dockerode constructor options for a target. Reads TLS files now, so a missing file is a config
 * error rather than a failure at the first request.
 */
export function toDockerodeOptions(target: DockerTarget, env: NodeJS.ProcessEnv = process.env): Dockerode.DockerOptions {
  // docker-modem merges DOCKER_HOST-derived defaults under ours, so every transport field is set
  // explicitly (undefined included) to keep the environment from redirecting a configured target.
  const base: Dockerode.DockerOptions = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    username: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
  };
  switch (target.kind) {
    case 'unix':
      return { ...base, socketPath: target.socketPath };
    case 'tcp': {
      if (!target.tls) return { ...base, protocol: 'http', host: target.hostname, port: target.port };
      const read = (label: string, file: string | undefined): Buffer | undefined => {
        if (!file) return undefined;
        try {
          return readFileSync(file);
        } catch (error) {
          throw new InvalidDockerTargetError(target.name, [`tls.${label}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
        }
      };
      return {
        ...base,
        protocol: 'https',
        host: target.hostname,
        port: target.port,
        ca: read('ca', target.tls.ca),
        cert: read('cert', target.tls.cert),
        key: read('key', target.tls.key),
      };
    }
    case 'ssh':
      return {
        ...base,
        protocol: 'ssh',
        host: target.hostname,
        port: target.port,
        username: target.username,
        sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
      };
  }
}
