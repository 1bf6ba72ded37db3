import type { AssertionVerdict } from '../checks/index.ts';

/** The assertion verdicts stored in a run's result, if it was a check. */
export function checkVerdicts(result: unknown): AssertionVerdict[] {
  const steps = (result as { steps?: Array<{ kind?: string; verdicts?: AssertionVerdict[] }> } | null)?.steps ?? [];
  return steps.flatMap((step) => (step.kind === 'check' ? (step.verdicts ?? []) : []));
}
