import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { OutputStream, RunHooks, ContainerRunResult } from './docker-client.ts';
import type { DockerTarget } from './docker-target.ts';
import { engineMessage, statusCodeOf, toDockerError } from './engine-errors.ts';
import { ContainerStartError, DockerEngineError } from './errors.ts';
import { LineSplitter } from './line-splitter.ts';

/** What a run needs from its surroundings. */
export interface RunDeps {
  docker: Dockerode;
  target: DockerTarget;
}

// After the exit, the attach stream may still carry the last bytes; wait this long for its end.
const OUTPUT_DRAIN_MS = 2_000;

/** A sink `demuxStream` can write one output stream into, split into lines. */
function lineSink(stream: OutputStream, onLog: RunHooks['onLog']): { write: (chunk: Buffer) => boolean; splitter: LineSplitter } {
  const splitter = new LineSplitter((line) => onLog?.(stream, line));
  return {
    splitter,
    write: (chunk) => {
      splitter.push(chunk);
      return true;
    },
  };
}

function endOf(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Starts a created container and waits for it to exit, streaming stdout and stderr line by line.
 * The streams are attached before the start so no early output is lost. A timeout or an abort
 * kills the container and is reported in the result. The container is not removed here.
 */
export async function startAndWaitContainer(
  deps: RunDeps,
  containerId: string,
  options: { timeoutMs?: number; image?: string } = {},
  hooks: RunHooks = {},
): Promise<ContainerRunResult> {
  const { signal, onLog } = hooks;
  const container = deps.docker.getContainer(containerId);
  const result: ContainerRunResult = { exitCode: null, oomKilled: false, timedOut: false, cancelled: false, durationMs: 0, containerId };
  if (signal?.aborted) return { ...result, cancelled: true };

  let output: Readable;
  try {
    output = (await container.attach({ stream: true, stdout: true, stderr: true })) as unknown as Readable;
  } catch (error) {
    throw toDockerError(error, deps.target, `attach to container ${containerId}`);
  }
  const stdout = lineSink('stdout', onLog);
  const stderr = lineSink('stderr', onLog);
  // demuxStream only calls write(); plain sinks keep each chunk's line callback synchronous.
  deps.docker.modem.demuxStream(output, stdout as unknown as NodeJS.WritableStream, stderr as unknown as NodeJS.WritableStream);
  const outputEnded = endOf(output);

  if (signal?.aborted) {
    output.destroy();
    return { ...result, cancelled: true };
  }

  const started = performance.now();
  try {
    await container.start();
  } catch (error) {
    output.destroy();
    const normalised = toDockerError(error, deps.target, `start container ${containerId}`);
    if (normalised instanceof DockerEngineError) {
      throw new ContainerStartError(options.image ?? containerId, engineMessage(error), { cause: error });
    }
    throw normalised;
  }

  const kill = (): void => {
    // The container may have exited on its own meanwhile; a 409 "not running" is expected then.
    container.kill({ signal: 'SIGKILL' }).catch(() => {});
  };
  const timer =
    options.timeoutMs !== undefined && options.timeoutMs > 0
      ? setTimeout(() => {
          result.timedOut = true;
          kill();
        }, options.timeoutMs)
      : undefined;
  const onAbort = (): void => {
    result.cancelled = true;
    kill();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  try {
    const exit = (await container.wait()) as { StatusCode: number };
    result.durationMs = Math.round(performance.now() - started);
    result.exitCode = exit.StatusCode;
  } catch (error) {
    output.destroy();
    throw toDockerError(error, deps.target, `wait for container ${containerId}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }

  await Promise.race([outputEnded, delay(OUTPUT_DRAIN_MS)]);
  output.destroy();
  stdout.splitter.flush();
  stderr.splitter.flush();

  try {
    const state = await container.inspect();
    result.oomKilled = state.State.OOMKilled;
  } catch (error) {
    // Removed meanwhile (e.g. by an orphan cleanup): the exit code is all there is to report.
    if (statusCodeOf(error) !== 404) throw toDockerError(error, deps.target, `inspect container ${containerId}`);
  }
  return result;
}
