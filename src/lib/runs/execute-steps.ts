import type { DockerClient, ContainerRunResult } from '../docker/index.ts';
import { managedLabels } from '../docker/index.ts';
import type { ImageInspectStep, RunStep } from '../procedures/index.ts';
import type { ExecutableStep } from '../procedures/index.ts';
import type { CheckStep } from '../checks/index.ts';
import { executeCheck } from '../checks/index.ts';
import type { FailureKind, RunStatus } from './run-record.ts';
import type { StepResult } from './run-result.ts';
import { describeStep } from '../procedures/index.ts';
import { runBuild } from './run-build-step.ts';
import { runComposeBuild } from './run-compose-build.ts';
import { type StepAttempt, cancelledOutcome, failed, failureFromError } from './step-attempt.ts';

/** What running a block's steps came to. */
export interface StepsOutcome {
  status: Extract<RunStatus, 'passed' | 'failed' | 'errored' | 'cancelled'>;
  failureKind: FailureKind | null;
  message: string | null;
  exitCode: number | null;
  imageId: string | null;
  /** The registry digest of the image the steps used, when it has one. */
  imageDigest?: string | null;
  /** One entry per step that ran. */
  steps: StepResult[];
}

/** Everything executing a block needs, passed in rather than reached for. */
export interface StepContext {
  docker: DockerClient;
  /** The system's folder; build contexts resolve against it. Null when the doc has none. */
  workDir: string | null;
  runId: string;
  blockId: string;
  /** The whole block must finish within this. */
  timeoutMs: number;
  signal: AbortSignal;
  log: (stream: 'stdout' | 'stderr' | 'system', line: string) => void;
}

/** Runs a block's steps; `executeSteps` is the one that talks to Docker. */
export type StepExecutor = (steps: ExecutableStep[], context: StepContext) => Promise<StepsOutcome>;


/**
 * Runs a block's steps in order through the Docker client, stopping at the first that
 * does not succeed. The exit code, a build error or a timeout decides the verdict; an
 * engine that cannot be reached or an image that is missing is named as such.
 */
export async function executeSteps(steps: ExecutableStep[], context: StepContext): Promise<StepsOutcome> {
  const deadline = Date.now() + context.timeoutMs;
  const results: StepResult[] = [];
  let imageId: string | null = null;
  let imageDigest: string | null = null;
  let exitCode: number | null = null;
  for (const [index, step] of steps.entries()) {
    context.log('system', `[runbook-live] step ${index + 1}/${steps.length}: ${describeStep(step)}`);
    let result: StepAttempt;
    try {
      result = await runStep(step, context, deadline);
    } catch (error) {
      result = { ok: false, outcome: failureFromError(error) };
    }
    if (result.detail !== undefined) results.push(...[result.detail].flat());
    if (!result.ok) return { ...result.outcome, exitCode: result.outcome.exitCode ?? exitCode, imageId: result.outcome.imageId ?? imageId, imageDigest, steps: results };
    if (result.imageId) imageId = result.imageId;
    if (result.imageId) imageDigest = result.imageDigest ?? null;
    if (result.exitCode !== undefined) exitCode = result.exitCode;
  }
  return { status: 'passed', failureKind: null, message: null, exitCode, imageId, imageDigest, steps: results };
}

function runStep(step: ExecutableStep, context: StepContext, deadline: number): Promise<StepAttempt> {
  switch (step.kind) {
    case 'check':
      return runCheck(step, context);
    case 'build':
      return runBuild(step, context, deadline);
    case 'run':
      return runContainer(step, context, deadline);
    case 'image-inspect':
      return inspectImages(step, context);
    case 'compose-build':
      return runComposeBuild(step, context, deadline);
  }
}

async function runContainer(step: RunStep, context: StepContext, deadline: number): Promise<StepAttempt> {
  const result: ContainerRunResult = await context.docker.runContainer(
    {
      image: step.image,
      cmd: step.cmd,
      ...(step.entrypoint !== undefined ? { entrypoint: [step.entrypoint] } : {}),
      env: step.env,
      ...(step.user ? { user: step.user } : {}),
      ...(step.network ? { network: step.network } : {}),
      readOnly: step.readOnly,
      capDrop: step.capDrop,
      capAdd: step.capAdd,
      securityOpt: step.securityOpt,
      ...(step.pidsLimit !== undefined ? { pidsLimit: step.pidsLimit } : {}),
      ...(step.memoryBytes !== undefined ? { memoryBytes: step.memoryBytes } : {}),
      ...(step.nanoCpus !== undefined ? { nanoCpus: step.nanoCpus } : {}),
      tmpfs: step.tmpfs,
      ...(step.workdir ? { workdir: step.workdir } : {}),
      labels: managedLabels({ runId: context.runId, blockId: context.blockId, extra: step.labels }),
      timeoutMs: Math.max(1, deadline - Date.now()),
    },
    { onLog: (stream, line) => context.log(stream, line), signal: context.signal },
  );
  const detail: StepResult = { kind: 'run', image: step.image, exitCode: result.exitCode, durationMs: result.durationMs, oomKilled: result.oomKilled };
  if (result.cancelled) return { ok: false, outcome: cancelledOutcome(), detail };
  if (result.timedOut) {
    return { ok: false, outcome: failed('timeout', `the container did not exit within ${Math.round(context.timeoutMs / 1000)} s and was killed`), detail };
  }
  if (result.oomKilled) return { ok: false, outcome: { ...failed('oom_killed', 'the container ran out of memory and was killed by the kernel'), exitCode: result.exitCode }, detail };
  if (result.exitCode !== 0) {
    return { ok: false, outcome: { ...failed('exit_nonzero', `the container exited with code ${result.exitCode}`), exitCode: result.exitCode }, detail };
  }
  return { ok: true, detail, exitCode: 0 };
}

async function runCheck(step: CheckStep, context: StepContext): Promise<StepAttempt> {
  const outcome = await executeCheck(step.spec, {
    docker: context.docker,
    systemDir: context.workDir,
    runId: context.runId,
    blockId: context.blockId,
    signal: context.signal,
    log: context.log,
  });
  if (outcome.cancelled) return { ok: false, outcome: cancelledOutcome() };
  const failedOnes = outcome.verdicts.filter((v) => v.status === 'failed');
  const counts = { passed: outcome.verdicts.filter((v) => v.status === 'passed').length, failed: failedOnes.length, skipped: outcome.verdicts.filter((v) => v.status === 'skipped').length };
  const detail: StepResult = { kind: 'check', image: step.spec.image, imageId: outcome.image.id, exitCode: outcome.exitCode, timedOut: outcome.timedOut, counts, verdicts: outcome.verdicts };
  for (const verdict of outcome.verdicts) {
    context.log('system', `[runbook-live] ${verdict.status.toUpperCase().padEnd(7)} ${verdict.label}${verdict.status === 'passed' ? '' : ` (expected ${verdict.expected}; got ${verdict.actual})`}`);
  }
  if (failedOnes.length === 0) return { ok: true, detail, imageId: outcome.image.id, ...(outcome.image.digests[0] ? { imageDigest: outcome.image.digests[0] } : {}), ...(outcome.exitCode !== null ? { exitCode: outcome.exitCode } : {}) };
  const message = `${failedOnes.length} of ${outcome.verdicts.length} assertions failed: ${failedOnes.map((v) => v.label).join('; ')}`;
  return {
    ok: false,
    detail,
    outcome: { ...failed(outcome.timedOut ? 'timeout' : 'contract_violation', message), exitCode: outcome.exitCode, imageId: outcome.image.id },
  };
}

async function inspectImages(step: ImageInspectStep, context: StepContext): Promise<StepAttempt> {
  const details = [];
  for (const image of step.images) {
    const found = await context.docker.inspectImage(image);
    details.push(found);
    for (const line of JSON.stringify(found, null, 2).split('\n')) context.log('stdout', line);
  }
  const digest = details[0]?.digests[0];
  return { ok: true, detail: { kind: 'image-inspect', images: details }, imageId: details[0]?.id ?? '', ...(digest ? { imageDigest: digest } : {}) };
}
