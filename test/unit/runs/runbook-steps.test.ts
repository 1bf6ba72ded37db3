import { describe, expect, it } from 'vitest';
import { nextStep, planSteps, runbookOutcome, skipPending, stepFinished, stepStarted, type PlannableBlock } from '../../../src/lib/runs/runbook-steps.ts';
import type { RunbookStep } from '../../../src/lib/runs/runbook-run-record.ts';

const block = (name: string, runnable = true, reason: string | null = null): PlannableBlock => ({ id: `RUN-x/${name}`, name, line: 1, runnable, reason });
const BLOCKS = [block('build'), block('inspect'), block('by-hand', false, 'line 1: ssh is not supported'), block('smoke')];
const ran = (id: string, status: 'passed' | 'failed' | 'errored' | 'cancelled' | 'interrupted', extra: { failureKind?: string; message?: string } = {}) =>
  ({ id, status, failureKind: (extra.failureKind ?? (status === 'passed' ? null : 'exit_nonzero')) as never, message: extra.message ?? null, startedAt: '2026-12-01T00:00:00.000Z', finishedAt: '2026-12-01T00:00:01.000Z' });
const statuses = (steps: RunbookStep[]) => steps.map((s) => `${s.name}:${s.status}`);

describe('planning a runbook run', () => {
  it('keeps document order, lets runnable steps wait and skips manual ones with their reason', () => {
    const steps = planSteps(BLOCKS);
    expect(statuses(steps)).toEqual(['build:pending', 'inspect:pending', 'by-hand:skipped', 'smoke:pending']);
    expect(steps[2]!.reason).toBe('manual step: line 1: ssh is not supported');
    expect(steps.every((s) => s.runId === null)).toBe(true);
    expect(steps.map((s) => s.manual)).toEqual([false, false, true, false]);
  });

  it('runs the pending steps in order, passing over skipped ones', () => {
    let steps = planSteps(BLOCKS);
    const order: number[] = [];
    for (let index = nextStep(steps); index !== null; index = nextStep(steps)) {
      order.push(index);
      steps = stepStarted(steps, index, { id: `run-${index}`, status: 'running', startedAt: null });
      expect(steps[index]).toMatchObject({ status: 'running', runId: `run-${index}` });
      steps = stepFinished(steps, index, ran(`run-${index}`, 'passed'), { keepGoing: false });
    }
    expect(order).toEqual([0, 1, 3]);
    expect(statuses(steps)).toEqual(['build:passed', 'inspect:passed', 'by-hand:skipped', 'smoke:passed']);
    expect(runbookOutcome(steps, false)).toEqual({ status: 'passed', failureKind: null, message: '3 of 3 runnable steps passed' });
  });
});

describe('when a step does not pass', () => {
  it('stops at the first failure: every later step is skipped naming the step that stopped it', () => {
    const steps = stepFinished(planSteps(BLOCKS), 0, ran('r0', 'failed', { failureKind: 'build_failed', message: 'RUN exit 3 returned 3' }), { keepGoing: false });
    expect(statuses(steps)).toEqual(['build:failed', 'inspect:skipped', 'by-hand:skipped', 'smoke:skipped']);
    expect(steps[0]).toMatchObject({ failureKind: 'build_failed', reason: 'RUN exit 3 returned 3', runId: 'r0' });
    expect(steps[1]!.reason).toBe('skipped: step build failed');
    // The manual step keeps its own reason: it would never have run anyway.
    expect(steps[2]!.reason).toBe('manual step: line 1: ssh is not supported');
    expect(nextStep(steps)).toBeNull();
    expect(runbookOutcome(steps, false)).toEqual({ status: 'failed', failureKind: 'build_failed', message: 'step build failed: RUN exit 3 returned 3; 0 of 3 runnable steps passed, 2 skipped' });
  });

  it('with keep-going runs the later steps, and the run still fails with the first failure', () => {
    let steps = stepFinished(planSteps(BLOCKS), 0, ran('r0', 'failed', { failureKind: 'build_failed' }), { keepGoing: true });
    expect(nextStep(steps)).toBe(1);
    steps = stepFinished(steps, 1, ran('r1', 'errored', { failureKind: 'image_not_found' }), { keepGoing: true });
    expect(nextStep(steps)).toBe(3);
    steps = stepFinished(steps, 3, ran('r3', 'passed'), { keepGoing: true });
    expect(statuses(steps)).toEqual(['build:failed', 'inspect:errored', 'by-hand:skipped', 'smoke:passed']);
    expect(runbookOutcome(steps, false)).toMatchObject({ status: 'failed', failureKind: 'build_failed' });
  });

  it('counts a step that could not run properly as errored, not failed', () => {
    const steps = stepFinished(planSteps(BLOCKS), 0, ran('r0', 'errored', { failureKind: 'docker_unreachable' }), { keepGoing: false });
    expect(runbookOutcome(steps, false)).toMatchObject({ status: 'errored', failureKind: 'docker_unreachable' });
  });

  it('stops on a cancelled step even with keep-going, and the run is cancelled', () => {
    const steps = stepFinished(planSteps(BLOCKS), 0, ran('r0', 'cancelled', { failureKind: 'cancelled' }), { keepGoing: true });
    expect(statuses(steps)).toEqual(['build:cancelled', 'inspect:skipped', 'by-hand:skipped', 'smoke:skipped']);
    expect(steps[1]!.reason).toBe('skipped: step build was cancelled');
    expect(runbookOutcome(steps, false)).toMatchObject({ status: 'cancelled', failureKind: 'cancelled', message: 'cancelled during step build; 0 of 3 runnable steps passed, 2 skipped' });
  });

  it('a cancel between steps skips what is left and the run is cancelled', () => {
    const passed = stepFinished(planSteps(BLOCKS), 0, ran('r0', 'passed'), { keepGoing: false });
    const steps = skipPending(passed, 'skipped: the runbook run was cancelled');
    expect(statuses(steps)).toEqual(['build:passed', 'inspect:skipped', 'by-hand:skipped', 'smoke:skipped']);
    expect(steps[3]!.reason).toBe('skipped: the runbook run was cancelled');
    expect(runbookOutcome(steps, true)).toMatchObject({ status: 'cancelled' });
  });
});
