import type { ExecutableStep } from '../../../src/lib/procedures/procedure-catalog.ts';
import type { StepContext, StepExecutor, StepsOutcome } from '../../../src/lib/runs/execute-steps.ts';
import { deferred, type Deferred } from './deferred.ts';

/** One call of the fake executor: what it was given, and the outcome the test settles. */
export interface ExecutorCall {
  steps: ExecutableStep[];
  context: StepContext;
  outcome: Deferred<StepsOutcome>;
}

/** A passing outcome, with `overrides` on top. */
export function passedOutcome(overrides: Partial<StepsOutcome> = {}): StepsOutcome {
  return { status: 'passed', failureKind: null, message: null, exitCode: 0, imageId: null, steps: [], ...overrides };
}

/**
 * A StepExecutor the test drives: every call waits until the test settles its `outcome`.
 * Like `executeSteps`, a call whose signal is aborted ends `cancelled`, unless the test
 * turned that off to hold a cancelled run open.
 */
export class FakeExecutor {
  readonly calls: ExecutorCall[] = [];
  honourAbort = true;
  private readonly waiting: Array<{ count: number; resolve: (call: ExecutorCall) => void }> = [];

  readonly execute: StepExecutor = (steps, context) => {
    const call: ExecutorCall = { steps, context, outcome: deferred<StepsOutcome>() };
    this.calls.push(call);
    context.signal.addEventListener('abort', () => {
      if (this.honourAbort) call.outcome.resolve({ status: 'cancelled', failureKind: 'cancelled', message: 'cancelled by an operator', exitCode: null, imageId: null, steps: [] });
    }, { once: true });
    for (const waiter of this.waiting.filter((w) => this.calls.length >= w.count)) waiter.resolve(this.calls[waiter.count - 1]!);
    return call.outcome.promise;
  };

  /** The `count`-th call (1-based), once it has been made. */
  call(count: number): Promise<ExecutorCall> {
    const made = this.calls[count - 1];
    if (made) return Promise.resolve(made);
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }
}
