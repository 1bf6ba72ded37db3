/** Where a run is in its life. The last five are final. */
export type RunStatus = 'queued' | 'running' | 'passed' | 'failed' | 'errored' | 'cancelled' | 'interrupted';

/** Why a run did not pass, in terms an operator can act on. */
export type FailureKind =
  | 'docker_unreachable'
  | 'image_not_found'
  | 'build_failed'
  | 'timeout'
  | 'exit_nonzero'
  | 'oom_killed'
  | 'contract_violation'
  | 'cancelled'
  | 'interrupted'
  | 'internal';

/** What started a run. */
export type RunTrigger = 'manual' | 'schedule' | 'run-all' | 'cli';

/** One execution of one block on one target. */
export interface RunRecord {
  id: string;
  blockId: string;
  docId: string;
  /** Hash of the block text that ran, so a later edit never rewrites history. */
  blockHash: string;
  /** The block's text as it ran. */
  blockSource: string;
  target: string;
  status: RunStatus;
  failureKind: FailureKind | null;
  /** One line on how it ended (the build error, the exit code, the host tried). */
  message: string | null;
  variables: Record<string, string>;
  actor: string;
  trigger: RunTrigger;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  imageId: string | null;
  /** Step results (image tags and size, inspect output, check verdicts) as JSON. */
  result: unknown;
  logBytes: number;
  logTruncated: boolean;
}

/** One line of a run's output. */
export interface LogLine {
  runId: string;
  /** 1-based, gap-free per run, so a reader can resume after the last one it saw. */
  seq: number;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  at: string;
}

const FINAL: ReadonlySet<RunStatus> = new Set(['passed', 'failed', 'errored', 'cancelled', 'interrupted']);

/** True once a run can no longer change. */
export function isFinal(status: RunStatus): boolean {
  return FINAL.has(status);
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
