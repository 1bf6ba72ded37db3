// Browser-safe: imports nothing, so the page scripts can share these lists through browser.ts.

/** Where a run is in its life. The last five are final. */
export const RUN_STATUSES = ['queued', 'running', 'passed', 'failed', 'errored', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Why a run did not pass, in terms an operator can act on. These are stored with runs and
 * incidents and shown in metrics, so they are data in snake_case, not error codes.
 */
export const FAILURE_KINDS = ['docker_unreachable', 'image_not_found', 'build_failed', 'timeout', 'exit_nonzero', 'oom_killed', 'contract_violation', 'cancelled', 'interrupted', 'internal'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** What started a run. */
export const RUN_TRIGGERS = ['manual', 'schedule', 'run-all', 'cli'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** The statuses a run can no longer leave. */
export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['passed', 'failed', 'errored', 'cancelled', 'interrupted']);

/** True once a run can no longer change. */
export function isFinal(status: RunStatus): boolean {
  return FINAL_STATUSES.has(status);
}

const ALLOWED: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'cancelled', 'interrupted', 'failed'],
  running: ['passed', 'failed', 'errored', 'cancelled', 'interrupted'],
  passed: [],
  failed: [],
  errored: [],
  cancelled: [],
  interrupted: [],
};

/** The next status, or an error naming the illegal move; final states never change. */
export function transition(from: RunStatus, to: RunStatus): RunStatus {
  if (!ALLOWED[from].includes(to)) throw new Error(`a ${from} run cannot become ${to}`);
  return to;
}
