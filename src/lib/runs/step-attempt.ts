import { DockerError } from '../docker/index.ts';
import { CheckFileError } from '../checks/index.ts';
import type { StepsOutcome } from './execute-steps.ts';
import type { FailureKind } from './run-record.ts';
import type { StepResult } from './run-result.ts';

/**
 * What one step came to: its result entries (a compose build has one per service), or the
 * outcome that ends the block, with the entries of what ran before it failed.
 */
export type StepAttempt =
  | { ok: true; detail: StepResult | StepResult[]; imageId?: string; imageDigest?: string; exitCode?: number }
  | { ok: false; outcome: Omit<StepsOutcome, 'steps'>; detail?: StepResult | StepResult[] };

/** Maps a thrown Docker-layer error to a failure an operator can act on. */
export function failureFromError(error: unknown): Omit<StepsOutcome, 'steps'> {
  if (error instanceof CheckFileError) return failed('internal', error.message);
  if (error instanceof DockerError) {
    if (error.code === 'DockerUnreachable') return failed('docker_unreachable', error.message);
    if (error.code === 'ImageNotFound') return failed('image_not_found', error.message);
    // Like `docker run`, which exits 127 when the container's command cannot be started.
    if (error.code === 'ContainerStartFailed') return { ...failed('exit_nonzero', error.message), exitCode: 127 };
    return failed('exit_nonzero', error.message);
  }
  return { ...failed('internal', `runbook-live failed while running the step: ${(error as Error).message}`), status: 'errored' };
}

/** A failed outcome of this kind, with its message. */
export function failed(failureKind: FailureKind, message: string): Omit<StepsOutcome, 'steps'> {
  return { status: 'failed', failureKind, message, exitCode: null, imageId: null };
}

/** The outcome of a run an operator cancelled. */
export function cancelledOutcome(): Omit<StepsOutcome, 'steps'> {
  return { status: 'cancelled', failureKind: 'cancelled', message: 'cancelled by an operator', exitCode: null, imageId: null };
}
