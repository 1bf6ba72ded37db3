import type { LogLine, RunRecord, RunStatus } from './run-record.ts';
import type { BlockTargetStats } from './sqlite-run-stats.ts';

/** Filters for listing runs, newest first. */
export interface RunQuery {
  blockId?: string;
  docId?: string;
  target?: string;
  statuses?: RunStatus[];
  limit?: number;
}

/** Durable storage of runs and their logs. */
export interface RunStore {
  insertRun(run: RunRecord): void;
  /** Applies a partial update; returns the run as stored afterwards. */
  updateRun(id: string, patch: Partial<Omit<RunRecord, 'id'>>): RunRecord;
  getRun(id: string): RunRecord | null;
  listRuns(query?: RunQuery): RunRecord[];
  /** Appends lines in one transaction; a crash keeps all of them or none. */
  appendLogs(lines: LogLine[]): void;
  /** Lines after `afterSeq` (0 for all), in order. */
  getLogs(runId: string, afterSeq?: number, limit?: number): LogLine[];
  /** Marks every queued or running run as interrupted; returns them as they were. */
  interruptUnfinished(at: string, message: string): RunRecord[];
  /** Latest run, pass rates and recent durations per block and target, keyed by `statsKey`. */
  blockTargetStats(now: Date): Map<string, BlockTargetStats>;
  /** Finished runs per block, target and status, for metrics. */
  countByBlockTargetStatus(): Array<{ blockId: string; target: string; status: string; count: number }>;
  close(): void;
}
