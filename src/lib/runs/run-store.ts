import type { LogLine, RunRecord, RunStatus } from './run-record.ts';
import type { BlockTargetStats } from './sqlite-run-stats.ts';
import type { LatestState } from './sqlite-check-latest.ts';
import type { PruneOptions, PruneResult, StoreFacts } from './sqlite-run-retention.ts';

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
  blockTargetStats(now: Date, keys?: Array<{ blockId: string; target: string }>): Map<string, BlockTargetStats>;
  /** Every block and target's latest run state, from the table kept current on each write: one cheap read. */
  latestByKey(): ReadonlyMap<string, LatestState>;
  /** Deletes runs (and their logs) the retention policy does not keep, in small batches. */
  pruneRuns(options: PruneOptions): Promise<PruneResult>;
  /** The database's size on disk and its oldest run, for the health page. */
  facts(): StoreFacts;
  /** Runs that finished, per block, target and status, for metrics: counted as they finish, not lowered by pruning. */
  countByBlockTargetStatus(): Array<{ blockId: string; target: string; status: string; count: number }>;
  close(): void;
}
