import type { DatabaseSync } from 'node:sqlite';
import type { RunStatus } from './run-record.ts';

/** The latest run of one block on one target, as a dashboard row needs it. */
export interface LatestRun {
  id: string;
  status: RunStatus;
  failureKind: string | null;
  message: string | null;
  trigger: string;
  createdAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** Per block and target: latest run, last pass, pass rates and recent durations. */
export interface BlockTargetStats {
  latest: LatestRun | null;
  lastPassAt: string | null;
  passed24h: number;
  finished24h: number;
  passed7d: number;
  finished7d: number;
  /** Durations of the most recent finished runs, oldest first. */
  durations: number[];
  /** The block hash each of those runs ran, in the same order: where it changes, the check's definition did. */
  hashes: string[];
  /** The newest finished run's verdict, whatever is queued or running now. */
  lastFinished: { status: RunStatus; finishedAt: string } | null;
}

type Row = Record<string, string | number | null>;
const FINISHED = `('passed', 'failed', 'errored')`;
const DURATION = `CAST(ROUND((julianday(finished_at) - julianday(started_at)) * 86400000) AS INTEGER)`;

/**
 * Aggregates for the dashboard, computed in SQLite in four queries that read through
 * indexes on (block_id, target, …), so 20,000 stored runs cost tens of milliseconds.
 */
export function blockTargetStats(db: DatabaseSync, now: Date, sparklineLength = 20): Map<string, BlockTargetStats> {
  db.exec(
    `CREATE INDEX IF NOT EXISTS runs_key ON runs (block_id, target, created_at);
     CREATE INDEX IF NOT EXISTS runs_key_status ON runs (block_id, target, created_at, status, started_at, finished_at);
     CREATE INDEX IF NOT EXISTS runs_key_pass ON runs (block_id, target, status, finished_at);`,
  );
  const stats = new Map<string, BlockTargetStats>();
  const entry = (blockId: string, target: string) => {
    const key = statsKey(blockId, target);
    let value = stats.get(key);
    if (!value) {
      value = { latest: null, lastPassAt: null, passed24h: 0, finished24h: 0, passed7d: 0, finished7d: 0, durations: [], hashes: [], lastFinished: null };
      stats.set(key, value);
    }
    return value;
  };
  const latest = db
    .prepare(
      `SELECT r.id, r.block_id, r.target, r.status, r.failure_kind, r.message, r.trigger, r.created_at, r.finished_at, ${DURATION.replaceAll('finished_at', 'r.finished_at').replaceAll('started_at', 'r.started_at')} AS duration_ms
       FROM runs r JOIN (SELECT block_id, target, MAX(created_at) AS newest FROM runs GROUP BY block_id, target) x
         ON r.block_id = x.block_id AND r.target = x.target AND r.created_at = x.newest`,
    )
    .all() as Row[];
  for (const row of latest) {
    entry(String(row.block_id), String(row.target)).latest = {
      id: String(row.id),
      status: row.status as RunStatus,
      failureKind: row.failure_kind === null ? null : String(row.failure_kind),
      message: row.message === null ? null : String(row.message),
      trigger: String(row.trigger),
      createdAt: String(row.created_at),
      finishedAt: row.finished_at === null ? null : String(row.finished_at),
      durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    };
  }
  const day = new Date(now.getTime() - 86_400_000).toISOString();
  const week = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const rates = db
    .prepare(
      `SELECT block_id, target,
         SUM(CASE WHEN created_at >= ? AND status = 'passed' THEN 1 ELSE 0 END) AS p24,
         SUM(CASE WHEN created_at >= ? AND status IN ${FINISHED} THEN 1 ELSE 0 END) AS n24,
         SUM(CASE WHEN status = 'passed' THEN 1 ELSE 0 END) AS p7,
         SUM(CASE WHEN status IN ${FINISHED} THEN 1 ELSE 0 END) AS n7
       FROM runs INDEXED BY runs_key_status WHERE created_at >= ? GROUP BY block_id, target`,
    )
    .all(day, day, week) as Row[];
  for (const row of rates) {
    Object.assign(entry(String(row.block_id), String(row.target)), { passed24h: Number(row.p24), finished24h: Number(row.n24), passed7d: Number(row.p7), finished7d: Number(row.n7) });
  }
  // One index seek per block and target, not a GROUP BY over every passed run.
  const passes = db
    .prepare(
      `SELECT k.block_id, k.target,
         (SELECT MAX(finished_at) FROM runs WHERE block_id = k.block_id AND target = k.target AND status = 'passed') AS last_pass
       FROM (SELECT DISTINCT block_id, target FROM runs) k`,
    )
    .all() as Row[];
  for (const row of passes) if (row.last_pass !== null) entry(String(row.block_id), String(row.target)).lastPassAt = String(row.last_pass);
  // The newest N finished runs of each block and target, read newest-first off the index,
  // instead of numbering every run in the table with a window function and sorting twice.
  const durations = db
    .prepare(
      `SELECT r.block_id, r.target, r.status, r.finished_at, r.block_hash, ${DURATION.replaceAll('finished_at', 'r.finished_at').replaceAll('started_at', 'r.started_at')} AS duration_ms
       FROM (SELECT DISTINCT block_id, target FROM runs) k JOIN runs r ON r.rowid IN (
         SELECT rowid FROM runs INDEXED BY runs_key_status WHERE block_id = k.block_id AND target = k.target
           AND finished_at IS NOT NULL AND started_at IS NOT NULL AND status IN ${FINISHED}
         ORDER BY created_at DESC LIMIT ?)
       ORDER BY r.block_id, r.target, r.created_at`,
    )
    .all(sparklineLength) as Row[];
  for (const row of durations) {
    const stats = entry(String(row.block_id), String(row.target));
    stats.durations.push(Number(row.duration_ms));
    stats.hashes.push(String(row.block_hash));
    // Rows come oldest first, so the last one seen is the newest finished run.
    stats.lastFinished = { status: row.status as RunStatus, finishedAt: String(row.finished_at) };
  }
  return stats;
}

/** The map key for a block on a target. */
export function statsKey(blockId: string, target: string): string {
  return `${blockId}@${target}`;
}
