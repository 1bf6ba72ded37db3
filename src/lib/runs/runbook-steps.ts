import type { FailureKind, RunRecord, RunStatus } from './run-record.ts';
import type { RunbookStep } from './runbook-run-record.ts';

// The rules of a runbook run, as pure functions over its steps, so they are tested without
// Docker or a store: which steps run, what stops the rest, and what the whole run came to.

/** What the planner needs to know about a block. */
export interface PlannableBlock {
  id: string;
  name: string;
  line: number | null;
  runnable: boolean;
  reason: string | null;
}

/** The steps of a fresh runbook run: runnable blocks wait their turn, manual ones are skipped with their reason. */
export function planSteps(blocks: readonly PlannableBlock[]): RunbookStep[] {
  return blocks.map((block) => ({
    blockId: block.id,
    name: block.name,
    line: block.line,
    manual: !block.runnable,
    status: block.runnable ? 'pending' : 'skipped',
    runId: null,
    reason: block.runnable ? null : `manual step: ${block.reason ?? 'the block cannot run here'}`,
    failureKind: null,
    startedAt: null,
    finishedAt: null,
  }));
}

/** The index of the next step to run, or null when none is left. */
export function nextStep(steps: readonly RunbookStep[]): number | null {
  const index = steps.findIndex((step) => step.status === 'pending');
  return index < 0 ? null : index;
}

/** The step with its run attached (queued, or already running). */
export function stepStarted(steps: readonly RunbookStep[], index: number, run: Pick<RunRecord, 'id' | 'status' | 'startedAt'>): RunbookStep[] {
  return replace(steps, index, (step) => ({ ...step, runId: run.id, status: run.status, startedAt: run.startedAt }));
}

/**
 * Records how a step's run ended. A step that did not pass stops the run: every step still
 * pending is skipped, naming the step that stopped it, unless `keepGoing` (a cancelled step
 * stops the run even then, since someone asked for it to stop).
 */
export function stepFinished(
  steps: readonly RunbookStep[],
  index: number,
  run: Pick<RunRecord, 'id' | 'status' | 'failureKind' | 'message' | 'startedAt' | 'finishedAt'>,
  options: { keepGoing: boolean },
): RunbookStep[] {
  const done = replace(steps, index, (step) => ({
    ...step,
    runId: run.id,
    status: run.status,
    failureKind: run.failureKind,
    reason: run.status === 'passed' ? null : run.message,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  }));
  if (run.status === 'passed') return done;
  const name = done[index]!.name;
  if (run.status === 'cancelled') return skipPending(done, `skipped: step ${name} was cancelled`);
  return options.keepGoing ? done : skipPending(done, `skipped: step ${name} ${run.status}`);
}

/** Every step still pending becomes skipped, with this reason. */
export function skipPending(steps: readonly RunbookStep[], reason: string): RunbookStep[] {
  return steps.map((step) => (step.status === 'pending' ? { ...step, status: 'skipped', reason } : step));
}

/** How a runbook run came out, once no step is pending or going. */
export interface RunbookOutcome {
  status: Extract<RunStatus, 'passed' | 'failed' | 'errored' | 'cancelled' | 'interrupted'>;
  failureKind: FailureKind | null;
  message: string | null;
}

/**
 * The whole run's verdict: cancelled when asked to stop; otherwise failed when a step
 * failed, errored when a step could not run properly (no engine, a crash), interrupted when
 * a server stop cut a step short; passed when every runnable step passed. Manual steps never
 * fail a run; they were never the run's to do.
 */
export function runbookOutcome(steps: readonly RunbookStep[], cancelled: boolean): RunbookOutcome {
  const ran = steps.filter((step) => step.runId !== null);
  const first = (status: RunStatus) => ran.find((step) => step.status === status);
  const runnable = steps.filter((s) => !s.manual);
  const skipped = runnable.filter((s) => s.status === 'skipped').length;
  const counts = `${ran.filter((s) => s.status === 'passed').length} of ${runnable.length} runnable steps passed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  const cancelledStep = first('cancelled');
  if (cancelled || cancelledStep) return { status: 'cancelled', failureKind: 'cancelled', message: `cancelled${cancelledStep ? ` during step ${cancelledStep.name}` : ''}; ${counts}` };
  for (const status of ['failed', 'errored', 'interrupted'] as const) {
    const step = first(status);
    if (step) return { status, failureKind: step.failureKind, message: `step ${step.name} ${status}${step.reason ? `: ${step.reason}` : ''}; ${counts}` };
  }
  return { status: 'passed', failureKind: null, message: counts };
}

function replace(steps: readonly RunbookStep[], index: number, change: (step: RunbookStep) => RunbookStep): RunbookStep[] {
  return steps.map((step, i) => (i === index ? change(step) : step));
}
