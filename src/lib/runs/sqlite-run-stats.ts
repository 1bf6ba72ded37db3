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
}

type Row = Record<string, string | number | null>;
const FINISHED = `('passed', 'failed', 'errored')`;
const DURATION = `CAST(ROUND((julianday(finished_at) - julianday(started_at)) * 86400000) AS INTEGER)`;

/**
 * Aggregates for the dashboard, computed in SQLite in four grouped queries over the runs
 * table, so the cost grows with the number of runs only through index scans.
 */
export function blockTargetStats(db: DatabaseSync, now: Date, sparklineLength = 20): Map<string, BlockTargetStats> {
  db.exec('CREATE INDEX IF NOT EXISTS runs_key ON runs (block_id, target, created_at)');
  const stats = new Map<string, BlockTargetStats>();
  const entry = (blockId: string, target: string) => {
    const key = statsKey(blockId, target);
    let value = stats.get(key);
    if (!value) {
      value = { latest: null, lastPassAt: null, passed24h: 0, finished24h: 0, passed7d: 0, finished7d: 0, durations: [] };
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
       FROM runs WHERE created_at >= ? GROUP BY block_id, target`,
    )
    .all(day, day, week) as Row[];
  for (const row of rates) {
    Object.assign(entry(String(row.block_id), String(row.target)), { passed24h: Number(row.p24), finished24h: Number(row.n24), passed7d: Number(row.p7), finished7d: Number(row.n7) });
  }
  for (const row of db.prepare(`SELECT block_id, target, MAX(finished_at) AS last_pass FROM runs WHERE status = 'passed' GROUP BY block_id, target`).all() as Row[]) {
    entry(String(row.block_id), String(row.target)).lastPassAt = row.last_pass === null ? null : String(row.last_pass);
  }
  const durations = db
    .prepare(
      `SELECT block_id, target, duration_ms FROM (
         SELECT block_id, target, created_at, ${DURATION} AS duration_ms,
           ROW_NUMBER() OVER (PARTITION BY block_id, target ORDER BY created_at DESC) AS rn
         FROM runs WHERE finished_at IS NOT NULL AND started_at IS NOT NULL AND status IN ${FINISHED})
       WHERE rn <= ? ORDER BY block_id, target, created_at`,
    )
    .all(sparklineLength) as Row[];
  for (const row of durations) entry(String(row.block_id), String(row.target)).durations.push(Number(row.duration_ms));
  return stats;
}

/** The map key for a block on a target. */
export function statsKey(blockId: string, target: string): string {
  return `${blockId}@${target}`;
}
