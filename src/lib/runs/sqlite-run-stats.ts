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

/** The statuses of a verdict, as an SQL list. */
export const FINISHED_SQL = `('passed', 'failed', 'errored')`;

/** A run's duration in ms, from its start and end columns (`run` an alias, NEW or OLD). */
export const durationSql = (run: string) => `CAST(ROUND((julianday(${run}.finished_at) - julianday(${run}.started_at)) * 86400000) AS INTEGER)`;

/**
 * The same aggregates as `blockTargetStats`, for the given blocks and targets only (a dashboard
 * page): a handful of index seeks per key, so the cost follows the page size, not the table.
 */
export function blockTargetStatsOf(db: DatabaseSync, now: Date, keys: Array<{ blockId: string; target: string }>, sparklineLength = 20): Map<string, BlockTargetStats> {
  const duration = durationSql('r');
  const latest = db.prepare(
    `SELECT r.id, r.status, r.failure_kind, r.message, r.trigger, r.created_at, r.finished_at, ${duration} AS duration_ms
     FROM check_latest l JOIN runs r ON r.id = l.run_id WHERE l.block_id = ? AND l.target = ?`,
  );
  const rates = db.prepare(
    `SELECT SUM(CASE WHEN created_at >= ? AND status = 'passed' THEN 1 ELSE 0 END) AS p24,
       SUM(CASE WHEN created_at >= ? AND status IN ${FINISHED_SQL} THEN 1 ELSE 0 END) AS n24,
       SUM(CASE WHEN status = 'passed' THEN 1 ELSE 0 END) AS p7,
       SUM(CASE WHEN status IN ${FINISHED_SQL} THEN 1 ELSE 0 END) AS n7
     FROM runs INDEXED BY runs_key_status WHERE block_id = ? AND target = ? AND created_at >= ?`,
  );
  const lastPass = db.prepare(`SELECT MAX(finished_at) AS last_pass FROM runs INDEXED BY runs_key_pass WHERE block_id = ? AND target = ? AND status = 'passed'`);
  const recent = db.prepare(
    `SELECT r.status, r.finished_at, r.block_hash, ${duration} AS duration_ms FROM runs r INDEXED BY runs_key_status
     WHERE r.block_id = ? AND r.target = ? AND r.finished_at IS NOT NULL AND r.started_at IS NOT NULL AND r.status IN ${FINISHED_SQL}
     ORDER BY r.created_at DESC LIMIT ?`,
  );
  const day = new Date(now.getTime() - 86_400_000).toISOString();
  const week = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const stats = new Map<string, BlockTargetStats>();
  for (const { blockId, target } of keys) {
    const newest = latest.get(blockId, target) as Row | undefined;
    if (!newest) continue;
    const rate = rates.get(day, day, blockId, target, week) as Row;
    const pass = lastPass.get(blockId, target) as Row;
    const finished = (recent.all(blockId, target, sparklineLength) as Row[]).reverse();
    const last = finished.at(-1);
    stats.set(statsKey(blockId, target), {
      latest: latestRun(newest),
      lastPassAt: pass.last_pass === null ? null : String(pass.last_pass),
      passed24h: Number(rate.p24 ?? 0),
      finished24h: Number(rate.n24 ?? 0),
      passed7d: Number(rate.p7 ?? 0),
      finished7d: Number(rate.n7 ?? 0),
      durations: finished.map((row) => Number(row.duration_ms)),
      hashes: finished.map((row) => String(row.block_hash)),
      lastFinished: last ? { status: last.status as RunStatus, finishedAt: String(last.finished_at) } : null,
    });
  }
  return stats;
}

function latestRun(row: Row): LatestRun {
  return {
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

/**
 * Aggregates for the dashboard, computed in SQLite in four queries that read through
 * indexes on (block_id, target, …), so 20,000 stored runs cost tens of milliseconds.
 */
export function blockTargetStats(db: DatabaseSync, now: Date, sparklineLength = 20): Map<string, BlockTargetStats> {
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
      `SELECT r.id, r.block_id, r.target, r.status, r.failure_kind, r.message, r.trigger, r.created_at, r.finished_at, ${durationSql('r')} AS duration_ms
       FROM runs r JOIN (SELECT block_id, target, MAX(created_at) AS newest FROM runs GROUP BY block_id, target) x
         ON r.block_id = x.block_id AND r.target = x.target AND r.created_at = x.newest`,
    )
    .all() as Row[];
  for (const row of latest) {
    entry(String(row.block_id), String(row.target)).latest = latestRun(row);
  }
  const day = new Date(now.getTime() - 86_400_000).toISOString();
  const week = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const rates = db
    .prepare(
      `SELECT block_id, target,
         SUM(CASE WHEN created_at >= ? AND status = 'passed' THEN 1 ELSE 0 END) AS p24,
         SUM(CASE WHEN created_at >= ? AND status IN ${FINISHED_SQL} THEN 1 ELSE 0 END) AS n24,
         SUM(CASE WHEN status = 'passed' THEN 1 ELSE 0 END) AS p7,
         SUM(CASE WHEN status IN ${FINISHED_SQL} THEN 1 ELSE 0 END) AS n7
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
      `SELECT r.block_id, r.target, r.status, r.finished_at, r.block_hash, ${durationSql('r')} AS duration_ms
       FROM (SELECT DISTINCT block_id, target FROM runs) k JOIN runs r ON r.rowid IN (
         SELECT rowid FROM runs INDEXED BY runs_key_status WHERE block_id = k.block_id AND target = k.target
           AND finished_at IS NOT NULL AND started_at IS NOT NULL AND status IN ${FINISHED_SQL}
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
