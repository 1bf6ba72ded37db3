import type { ComposeBuildStep } from '../procedures/index.ts';
import type { StepContext } from './execute-steps.ts';
import { runBuild } from './run-build-step.ts';
import type { StepResult } from './run-result.ts';
import { type StepAttempt, failureFromError } from './step-attempt.ts';

/**
 * Runs a `docker compose build` the way the block was resolved: one build per service,
 * dependencies first, each streamed like `docker build`; the first that does not succeed
 * stops the rest, and the results of those before it are kept.
 */
export async function runComposeBuild(step: ComposeBuildStep, context: StepContext, deadline: number): Promise<StepAttempt> {
  for (const { service, reason } of step.skipped) context.log('system', `[runbook-live] compose service ${service} ${reason}; nothing to build`);
  const details: StepResult[] = [];
  let imageId: string | undefined;
  for (const [index, { service, build }] of step.builds.entries()) {
    context.log('system', `[runbook-live] compose service ${service} (${index + 1}/${step.builds.length}): image ${build.tags[0] ?? ''}, context ${build.contextPath}, Dockerfile ${build.dockerfile}`);
    let attempt: StepAttempt;
    try {
      attempt = await runBuild(build, context, deadline, service);
    } catch (error) {
      attempt = { ok: false, outcome: failureFromError(error) };
    }
    if (attempt.detail !== undefined) details.push(...[attempt.detail].flat());
    if (!attempt.ok) return { ok: false, outcome: attempt.outcome, detail: details };
    imageId = attempt.imageId;
  }
  return { ok: true, detail: details, ...(imageId === undefined ? {} : { imageId }) };
}
