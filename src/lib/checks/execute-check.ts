import type { DockerClient, ImageDetails } from '../docker/index.ts';
import { managedLabels } from '../docker/index.ts';
import { parseMemoryBytes } from '../shared/index.ts';
import type { AssertionVerdict, CheckObservations } from './check-observations.ts';
import { evaluateAssertions, filesToReadBack } from './evaluate-assertions.ts';
import { ownerOf, placeFiles } from './place-files.ts';
import { readBackFiles } from './read-back.ts';
import { readBackPath, type ResolvedCheck } from './resolve-check.ts';

/** Collaborators for one check run. */
export interface CheckContext {
  docker: DockerClient;
  systemDir: string | null;
  runId: string;
  blockId: string;
  signal: AbortSignal;
  log: (stream: 'stdout' | 'stderr' | 'system', line: string) => void;
}

/** What a check run came to. */
export interface CheckOutcome {
  verdicts: AssertionVerdict[];
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  image: ImageDetails;
}

// Output kept for stdout/stderr assertions; the full log is in the run's log either way.
const KEEP_OUTPUT_CHARS = 256 * 1024;

/**
 * Runs a contract check the way its system's app runs the image: a fresh volume for each
 * declared one, the files copied in through the archive API before start (never a bind
 * mount), the hardened container started and waited for, then files read back and the
 * container inspected. The container and the volumes are always removed, also when a step fails.
 */
export async function executeCheck(spec: ResolvedCheck, context: CheckContext): Promise<CheckOutcome> {
  const { docker } = context;
  const image = await docker.inspectImage(spec.image);
  const timeoutMs = durationMs(spec.timeout);
  const hardening = spec.hardening;
  const archives = await placeFiles(spec.files, spec.volumes, context.systemDir, ownerOf(hardening.user));
  const labels = managedLabels({ runId: context.runId, blockId: context.blockId });
  const volumes: Array<{ volume: string; target: string }> = [];
  let containerId: string | null = null;
  try {
    for (const declared of spec.volumes) volumes.push({ volume: await docker.createVolume(labels), target: declared.path });
    containerId = await docker.createContainer({
      image: spec.image,
      ...(spec.command ? { cmd: spec.command } : {}),
      ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}),
      env: spec.env,
      ...(hardening.user !== undefined ? { user: String(hardening.user) } : {}),
      ...(hardening.network ? { network: hardening.network } : {}),
      readOnly: hardening.read_only,
      capDrop: hardening.cap_drop,
      securityOpt: hardening.no_new_privileges ? ['no-new-privileges'] : [],
      ...(hardening.pids_limit ? { pidsLimit: hardening.pids_limit } : {}),
      ...memoryLimit(hardening.memory),
      tmpfs: Object.fromEntries(hardening.tmpfs.map((mount) => [mount, ''])),
      labels,
      volumes,
    });
    for (const archive of archives) {
      await docker.putArchive(containerId, archive.destination, archive.tar);
      context.log('system', `[runbook-live] placed ${archive.paths.length} file(s) in ${archive.destination}: ${archive.paths.join(', ')}`);
    }
    let stdout = '';
    let stderr = '';
    const result = await docker.startAndWait(containerId, { timeoutMs }, {
      signal: context.signal,
      onLog: (stream, line) => {
        context.log(stream, line);
        if (stream === 'stdout' && stdout.length < KEEP_OUTPUT_CHARS) stdout += `${line}\n`;
        if (stream === 'stderr' && stderr.length < KEEP_OUTPUT_CHARS) stderr += `${line}\n`;
      },
    });
    if (result.cancelled) return { verdicts: [], exitCode: null, timedOut: false, cancelled: true, image };
    if (result.timedOut) context.log('system', `[runbook-live] the container did not exit within ${timeoutMs / 1000} s and was killed; judging what it wrote`);
    const observations: CheckObservations = {
      exitCode: result.timedOut ? null : result.exitCode,
      timedOut: result.timedOut,
      timeoutMs,
      stdout,
      stderr,
      files: await readBackFiles(docker, containerId, filesToReadBack(spec.expect).map((key) => ({ key, path: readBackPath(key, spec.volumes) }))),
      image,
      container: await docker.inspectContainer(containerId),
    };
    return { verdicts: evaluateAssertions(spec.expect, observations, spec.schemas), exitCode: observations.exitCode, timedOut: result.timedOut, cancelled: false, image };
  } finally {
    if (containerId) await docker.removeContainer(containerId).catch(() => {});
    for (const { volume } of volumes) await docker.removeVolume(volume).catch(() => {});
  }
}

function memoryLimit(size: string | undefined): { memoryBytes?: number } {
  if (!size) return {};
  const parsed = parseMemoryBytes(size);
  // The spec schema already checked the size's shape; a value out of range is left to the engine default.
  return parsed.ok ? { memoryBytes: parsed.value } : {};
}

/** `20s`, `2m`, `500ms` or a number of seconds, as milliseconds. */
export function durationMs(value: string | number): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^(\d+)(ms|s|m)?$/.exec(value);
  const amount = Number(match?.[1] ?? 60);
  return match?.[2] === 'ms' ? amount : match?.[2] === 'm' ? amount * 60_000 : amount * 1000;
}
