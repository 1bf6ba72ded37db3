import type { DatabaseSync } from 'node:sqlite';
import type { RunStatus } from './run-record.ts';
import { FINISHED_SQL, durationSql, statsKey } from './sqlite-run-stats.ts';

/** A block and target's newest run, and its newest verdict, as the check_latest table keeps them. */
export interface LatestState {
  runId: string;
  status: RunStatus;
  failureKind: string | null;
  createdAt: string;
  /** When the newest run ended; null while it is queued or running. */
  finishedAt: string | null;
  /**
   * The newest verdict (a passed, failed or errored run that started and ended), whatever is
   * queued or running now: what freshness, `/metrics` and a badge's colour are judged by.
   */
  lastFinished: { status: RunStatus; finishedAt: string; durationMs: number } | null;
}

type Row = Record<string, string | number | null>;

/** True for a run (`NEW`, `OLD` or a table alias) that is a verdict. */
const isVerdict = (run: string) => `${run}.status IN ${FINISHED_SQL} AND ${run}.started_at IS NOT NULL AND ${run}.finished_at IS NOT NULL`;

const VERDICT_COLUMNS = '(verdict_run_id, verdict_status, verdict_created_at, verdict_finished_at, verdict_duration_ms)';

/** The newest verdict of a block and target, as a row for VERDICT_COLUMNS (all nulls when there is none). */
const newestVerdict = (blockId: string, target: string) =>
  `(SELECT id, status, created_at, finished_at, ${durationSql('runs')} FROM runs INDEXED BY runs_key_status
    WHERE block_id = ${blockId} AND target = ${target} AND ${isVerdict('runs')} ORDER BY created_at DESC LIMIT 1)`;

/** Sets the verdict columns to `NEW`'s when it is a verdict at least as new as the one kept. */
const TAKE_NEW_VERDICT = `UPDATE check_latest SET verdict_run_id = NEW.id, verdict_status = NEW.status, verdict_created_at = NEW.created_at,
    verdict_finished_at = NEW.finished_at, verdict_duration_ms = ${durationSql('NEW')}
  WHERE block_id = NEW.block_id AND target = NEW.target AND ${isVerdict('NEW')} AND (verdict_created_at IS NULL OR NEW.created_at >= verdict_created_at);`;

const ADDED_COLUMNS: Record<string, string> = {
  finished_at: 'TEXT',
  verdict_run_id: 'TEXT',
  verdict_status: 'TEXT',
  verdict_created_at: 'TEXT',
  verdict_finished_at: 'TEXT',
  verdict_duration_ms: 'INTEGER',
};

/**
 * The newest run of every block and target, and its newest verdict, kept by triggers on `runs`
 * so that every writer (the run service, the CLI, a seeding script, the pruner) keeps them right
 * without knowing about them. The dashboard's statuses, counts and filters, every doc's
 * freshness and `/metrics` read these few thousand rows instead of reading a million runs.
 * A deleted latest run or verdict (pruning keeps the newest run, not always the newest verdict)
 * is replaced by the next newest. `check_latest_version` moves whenever a row of it changes (and
 * only then: pruning older runs leaves it alone), so readers can keep it in memory.
 * `runs_key_status` also serves every per-key range read, so no narrower index is kept beside it.
 */
const TABLES = `
DROP INDEX IF EXISTS runs_key;
CREATE INDEX IF NOT EXISTS runs_key_status ON runs (block_id, target, created_at, status, started_at, finished_at);
CREATE INDEX IF NOT EXISTS runs_key_pass ON runs (block_id, target, status, finished_at);
CREATE TABLE IF NOT EXISTS check_latest (
  block_id TEXT NOT NULL,
  target TEXT NOT NULL,
  run_id TEXT NOT NULL,
  status TEXT NOT NULL,
  failure_kind TEXT,
  created_at TEXT NOT NULL,
  ${Object.entries(ADDED_COLUMNS).map(([column, type]) => `${column} ${type},`).join('\n  ')}
  PRIMARY KEY (block_id, target)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS check_latest_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT OR IGNORE INTO check_latest_version (id, version) VALUES (1, 0);
CREATE TRIGGER IF NOT EXISTS check_latest_version_on_insert AFTER INSERT ON check_latest BEGIN UPDATE check_latest_version SET version = version + 1; END;
CREATE TRIGGER IF NOT EXISTS check_latest_version_on_update AFTER UPDATE ON check_latest BEGIN UPDATE check_latest_version SET version = version + 1; END;
CREATE TRIGGER IF NOT EXISTS check_latest_version_on_delete AFTER DELETE ON check_latest BEGIN UPDATE check_latest_version SET version = version + 1; END;
`;

// The first triggers kept no end time and no verdict: a file written by an older version
// loses them on open, for the ones below. Each trigger's statements run in order, which
// separate triggers on the same event would not promise.
const TRIGGERS = `
DROP TRIGGER IF EXISTS check_latest_on_insert;
DROP TRIGGER IF EXISTS check_latest_on_update;
DROP TRIGGER IF EXISTS check_latest_on_delete;
CREATE TRIGGER IF NOT EXISTS check_latest_v2_on_insert AFTER INSERT ON runs BEGIN
  INSERT INTO check_latest (block_id, target, run_id, status, failure_kind, created_at, finished_at)
  VALUES (NEW.block_id, NEW.target, NEW.id, NEW.status, NEW.failure_kind, NEW.created_at, NEW.finished_at)
  ON CONFLICT (block_id, target) DO UPDATE SET run_id = excluded.run_id, status = excluded.status, failure_kind = excluded.failure_kind,
    created_at = excluded.created_at, finished_at = excluded.finished_at
  WHERE excluded.created_at >= check_latest.created_at;
  ${TAKE_NEW_VERDICT}
END;
CREATE TRIGGER IF NOT EXISTS check_latest_v2_on_update AFTER UPDATE OF status, failure_kind, started_at, finished_at ON runs BEGIN
  UPDATE check_latest SET status = NEW.status, failure_kind = NEW.failure_kind, finished_at = NEW.finished_at
  WHERE block_id = NEW.block_id AND target = NEW.target AND run_id = NEW.id;
  ${TAKE_NEW_VERDICT}
  UPDATE check_latest SET ${VERDICT_COLUMNS} = ${newestVerdict('NEW.block_id', 'NEW.target')}
  WHERE block_id = NEW.block_id AND target = NEW.target AND verdict_run_id = NEW.id AND NOT (${isVerdict('NEW')});
END;
CREATE TRIGGER IF NOT EXISTS check_latest_v2_on_delete AFTER DELETE ON runs BEGIN
  DELETE FROM check_latest WHERE block_id = OLD.block_id AND target = OLD.target AND run_id = OLD.id;
  INSERT OR IGNORE INTO check_latest (block_id, target, run_id, status, failure_kind, created_at, finished_at)
    SELECT block_id, target, id, status, failure_kind, created_at, finished_at FROM runs INDEXED BY runs_key_status
    WHERE block_id = OLD.block_id AND target = OLD.target ORDER BY created_at DESC LIMIT 1;
  UPDATE check_latest SET ${VERDICT_COLUMNS} = ${newestVerdict('OLD.block_id', 'OLD.target')}
  WHERE block_id = OLD.block_id AND target = OLD.target AND (verdict_run_id = OLD.id OR verdict_run_id IS NULL);
END;
`;

/**
 * Creates check_latest and its triggers, or brings a file written by an older version up to
 * date: a file from before the table existed gets it filled from its runs, one from before the
 * end time and verdict columns gets them added and filled, once and in one transaction.
 */
export function openCheckLatest(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(TABLES);
    const present = new Set((db.prepare('PRAGMA table_info(check_latest)').all() as Row[]).map((column) => String(column.name)));
    const missing = Object.keys(ADDED_COLUMNS).filter((column) => !present.has(column));
    for (const column of missing) db.exec(`ALTER TABLE check_latest ADD COLUMN ${column} ${ADDED_COLUMNS[column]}`);
    db.exec(TRIGGERS);
    if (fillFromRuns(db) || missing.length > 0) {
      db.exec(
        `UPDATE check_latest SET finished_at = (SELECT finished_at FROM runs WHERE id = check_latest.run_id),
           ${VERDICT_COLUMNS} = ${newestVerdict('check_latest.block_id', 'check_latest.target')}`,
      );
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** Fills check_latest's newest runs from the runs of a file written before it existed; false when it is current. */
function fillFromRuns(db: DatabaseSync): boolean {
  const empty = db.prepare('SELECT NOT EXISTS (SELECT 1 FROM check_latest) AND EXISTS (SELECT 1 FROM runs) AS missing').get() as Row;
  if (Number(empty.missing) !== 1) return false;
  db.exec(
    `INSERT OR REPLACE INTO check_latest (block_id, target, run_id, status, failure_kind, created_at)
     SELECT r.block_id, r.target, r.id, r.status, r.failure_kind, r.created_at
     FROM (SELECT DISTINCT block_id, target FROM runs) k JOIN runs r ON r.rowid = (
       SELECT rowid FROM runs INDEXED BY runs_key_status WHERE block_id = k.block_id AND target = k.target ORDER BY created_at DESC LIMIT 1)`,
  );
  return true;
}

/** A number that changes whenever check_latest does, whoever wrote it. */
export function checkLatestVersion(db: DatabaseSync): number {
  return Number((db.prepare('SELECT version FROM check_latest_version').get() as Row).version);
}

/** Every block and target's newest run state and newest verdict, keyed by `statsKey`. */
export function latestByKey(db: DatabaseSync): Map<string, LatestState> {
  const latest = new Map<string, LatestState>();
  const rows = db.prepare('SELECT block_id, target, run_id, status, failure_kind, created_at, finished_at, verdict_status, verdict_finished_at, verdict_duration_ms FROM check_latest').all() as Row[];
  for (const row of rows) {
    latest.set(statsKey(String(row.block_id), String(row.target)), {
      runId: String(row.run_id),
      status: row.status as RunStatus,
      failureKind: row.failure_kind === null ? null : String(row.failure_kind),
      createdAt: String(row.created_at),
      finishedAt: row.finished_at === null ? null : String(row.finished_at),
      lastFinished: row.verdict_status === null ? null : { status: row.verdict_status as RunStatus, finishedAt: String(row.verdict_finished_at), durationMs: Number(row.verdict_duration_ms) },
    });
  }
  return latest;
}
