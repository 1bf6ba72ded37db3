import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { packBuildContext, resolveBuildContext } from './build-context.ts';
import { BuildEventReader } from './build-events.ts';
import type { BuildHooks, BuildImageOptions, BuildResult, ImageDetails } from './docker-client.ts';
import type { DockerTarget } from './docker-target.ts';
import { connectionFailureReason, engineMessage, unreachable } from './engine-errors.ts';

/** What a build needs from its surroundings. */
export interface BuildDeps {
  docker: Dockerode;
  target: DockerTarget;
  inspectImage: (ref: string) => Promise<ImageDetails>;
}

/** Engine query parameters for `/build`; unset options are left out rather than sent empty. */
function toBuildQuery(options: BuildImageOptions, dockerfile: string, signal: AbortSignal | undefined): Dockerode.ImageBuildOptions {
  // Built loosely: the engine takes repeated `t` and JSON objects, which @types/dockerode types narrower.
  const query: Record<string, unknown> = {
    dockerfile,
    // Intermediate containers of failed or cancelled steps would otherwise stay behind unlabelled.
    rm: true,
    forcerm: true,
  };
  if (options.tags?.length) query.t = options.tags;
  if (options.buildArgs && Object.keys(options.buildArgs).length > 0) query.buildargs = options.buildArgs;
  if (options.target) query.target = options.target;
  if (options.labels && Object.keys(options.labels).length > 0) query.labels = options.labels;
  if (options.noCache) query.nocache = true;
  if (options.pull) query.pull = true;
  if (options.platform) query.platform = options.platform;
  if (signal) query.abortSignal = signal;
  return query as Dockerode.ImageBuildOptions;
}

/**
 * Sends the context, streams the engine's progress into log lines and reports the outcome.
 * Step failures, engine refusals and cancellation are results (`ok: false`); only an unreachable
 * engine or an invalid context throw.
 */
export async function runImageBuild(deps: BuildDeps, options: BuildImageOptions, hooks: BuildHooks = {}): Promise<BuildResult> {
  const { signal, onLog = () => {} } = hooks;
  const context = resolveBuildContext(options.contextDir, options.dockerfile);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const cancelled = (): BuildResult => ({ ok: false, error: 'build cancelled', cancelled: true, durationMs: elapsed() });
  if (signal?.aborted) return cancelled();

  const tar = packBuildContext(context);
  const reader = new BuildEventReader(onLog);
  let response: Readable | undefined;
  const onAbort = (): void => {
    // Destroying our side of the stream drops the connection; the engine then stops the build.
    response?.destroy();
    tar.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    response = (await deps.docker.buildImage(tar, toBuildQuery(options, context.dockerfile, signal))) as Readable;
    if (signal?.aborted) return cancelled();
    for await (const chunk of response) reader.push(chunk as Buffer);
  } catch (error) {
    if (signal?.aborted) return cancelled();
    const reason = connectionFailureReason(error);
    if (reason) throw unreachable(deps.target, reason, error);
    reader.finish();
    return { ok: false, error: engineMessage(error), cancelled: false, durationMs: elapsed() };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    tar.destroy();
  }

  const outcome = reader.finish();
  if (signal?.aborted) return cancelled();
  if (outcome.error !== undefined) return { ok: false, error: outcome.error, cancelled: false, durationMs: elapsed() };
  if (!outcome.imageId) {
    return { ok: false, error: 'the engine finished the build without reporting an image id', cancelled: false, durationMs: elapsed() };
  }
  const image = await deps.inspectImage(outcome.imageId);
  return { ok: true, imageId: image.id, tags: options.tags ?? [], sizeBytes: image.sizeBytes, durationMs: elapsed() };
}
