import path from 'node:path';
import type { BuildStep } from '../procedures/index.ts';
import type { StepContext } from './execute-steps.ts';
import type { StepResult } from './run-result.ts';
import { type StepAttempt, cancelledOutcome, failed } from './step-attempt.ts';

/**
 * Builds one image through the Engine API, streaming its output into the run's log. `service`
 * names the compose service the build is for, and is kept in its result.
 */
export async function runBuild(step: BuildStep, context: StepContext, deadline: number, service?: string): Promise<StepAttempt> {
  if (!context.workDir) return { ok: false, outcome: failed('internal', 'docker build needs a system folder to resolve its context against') };
  const contextDir = path.resolve(context.workDir, step.contextPath);
  const dockerfile = path.relative(contextDir, path.resolve(context.workDir, step.dockerfile));
  const { signal, timedOut, dispose } = deadlineSignal(context.signal, deadline);
  try {
    const build = await context.docker.buildImage(
      {
        contextDir,
        dockerfile,
        tags: step.tags,
        buildArgs: step.buildArgs,
        labels: step.labels,
        noCache: step.noCache,
        pull: step.pull,
        ...(step.target ? { target: step.target } : {}),
        ...(step.platform ? { platform: step.platform } : {}),
      },
      { onLog: (line) => context.log('stdout', line), signal },
    );
    if (build.ok) {
      const detail: StepResult = { kind: 'build', imageId: build.imageId, tags: build.tags, sizeBytes: build.sizeBytes, durationMs: build.durationMs, ...(service === undefined ? {} : { service }) };
      context.log('system', `[runbook-live] built ${build.imageId.slice(0, 19)} (${build.tags.join(', ') || 'untagged'}), ${formatBytes(build.sizeBytes)} in ${(build.durationMs / 1000).toFixed(1)} s`);
      return { ok: true, detail, imageId: build.imageId };
    }
    if (timedOut()) return { ok: false, outcome: failed('timeout', `the build did not finish within ${Math.round(context.timeoutMs / 1000)} s and was stopped`) };
    if (build.cancelled) return { ok: false, outcome: cancelledOutcome() };
    const failedAt = service === undefined ? '' : ` for service ${service}`;
    return { ok: false, outcome: failed('build_failed', `docker build${failedAt} failed: ${build.error}`), detail: { kind: 'build-failed', error: build.error, ...(service === undefined ? {} : { service }) } };
  } finally {
    dispose();
  }
}

/** An abort signal that fires on cancel or at the deadline, telling the two apart. */
export function deadlineSignal(cancel: AbortSignal, deadline: number) {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error('deadline'));
  }, Math.max(1, deadline - Date.now()));
  const onCancel = () => controller.abort(cancel.reason);
  cancel.addEventListener('abort', onCancel, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    dispose: () => {
      clearTimeout(timer);
      cancel.removeEventListener('abort', onCancel);
    },
  };
}

/** Sizes as the build summary line shows them. */
export function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`;
}
