/** A guess, not a promise: how long a full queue usually takes to make room. */
export const QUEUE_FULL_RETRY_AFTER_SECONDS = 10;

/** The refusal of a request that would queue one run more than `runs.queue_limit` allows. */
export interface QueueFullProblem {
  status: 429;
  code: 'QueueFull';
  message: string;
  retryAfterSeconds: number;
}

/**
 * Null while fewer than `limit` runs wait (no limit: always null), else the refusal. Only new
 * requests are refused: a runbook already going still queues its next step, and a request that
 * joins a run going adds nothing.
 */
export function queueFullProblem(size: { running: number; waiting: number }, limit: number | undefined): QueueFullProblem | null {
  if (limit === undefined || size.waiting < limit) return null;
  return {
    status: 429,
    code: 'QueueFull',
    message: `${size.waiting} runs are already waiting (${size.running} running), the limit (runs.queue_limit in runbook-live.yaml). Try again when some have finished.`,
    retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_SECONDS,
  };
}
