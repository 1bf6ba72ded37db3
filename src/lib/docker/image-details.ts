import type Dockerode from 'dockerode';
import type { ImageDetails } from './docker-client.ts';

/** Splits `KEY=value` entries; a value may itself contain `=`. */
export function parseEnvList(entries: readonly string[] | null | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const at = entry.indexOf('=');
    if (at === -1) env[entry] = '';
    else env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

// The engine sends Cmd/Entrypoint as an array, null, or (old images) a bare string.
function toArgv(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value !== '') return [value];
  return [];
}

/** Maps the engine's image inspect document to our `ImageDetails`. */
export function toImageDetails(info: Dockerode.ImageInspectInfo): ImageDetails {
  const config = (info.Config ?? {}) as Partial<Dockerode.ImageInspectInfo['Config']>;
  return {
    id: info.Id,
    tags: (info.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
    sizeBytes: info.Size,
    user: config.User ?? '',
    env: parseEnvList(config.Env),
    cmd: toArgv(config.Cmd),
    entrypoint: toArgv(config.Entrypoint),
    labels: { ...(config.Labels ?? {}) },
    workingDir: config.WorkingDir ?? '',
    digests: [...(info.RepoDigests ?? [])],
    exposedPorts: Object.keys(config.ExposedPorts ?? {}).sort(),
    volumes: Object.keys(config.Volumes ?? {}).sort(),
  };
}
