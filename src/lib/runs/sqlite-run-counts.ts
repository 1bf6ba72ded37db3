import type { DatabaseSync } from 'node:sqlite';

type Row = Record<string, string | number | null>;
const UNFINISHED = `('queued', 'running')`;

/**
 * Finished runs per block, target and status, counted by triggers on `runs` as runs finish,
 * so `/metrics` reads a few thousand rows instead of grouping every stored run (a million rows
 * took 1.5–4 s of the request thread). The counts are a Prometheus counter: pruning old runs
 * leaves them alone, since a counter that drops reads as a restart to every rate() over it.
 * `runs_counted` records that the table has been filled once from the runs stored before it.
 */
export const RUN_COUNTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS check_run_counts (
  block_id TEXT NOT NULL,
  target TEXT NOT NULL,
  status TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (block_id, target, status)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs_counted (id INTEGER PRIMARY KEY CHECK (id = 1));
CREATE TRIGGER IF NOT EXISTS check_run_counts_on_insert AFTER INSERT ON runs WHEN NEW.status NOT IN ${UNFINISHED} BEGIN
  INSERT INTO check_run_counts (block_id, target, status, count) VALUES (NEW.block_id, NEW.target, NEW.status, 1)
  ON CONFLICT (block_id, target, status) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER IF NOT EXISTS check_run_counts_on_finish AFTER UPDATE OF status ON runs
WHEN OLD.status IN ${UNFINISHED} AND NEW.status NOT IN ${UNFINISHED} BEGIN
  INSERT INTO check_run_counts (block_id, target, status, count) VALUES (NEW.block_id, NEW.target, NEW.status, 1)
  ON CONFLICT (block_id, target, status) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER IF NOT EXISTS check_run_counts_on_restatus AFTER UPDATE OF status ON runs
WHEN OLD.status NOT IN ${UNFINISHED} AND NEW.status NOT IN ${UNFINISHED} AND OLD.status <> NEW.status BEGIN
  UPDATE check_run_counts SET count = count - 1 WHERE block_id = OLD.block_id AND target = OLD.target AND status = OLD.status;
  INSERT INTO check_run_counts (block_id, target, status, count) VALUES (NEW.block_id, NEW.target, NEW.status, 1)
  ON CONFLICT (block_id, target, status) DO UPDATE SET count = count + 1;
END;
`;

/**
 * Fills the counts from the runs of a file written before the table existed, once: after
 * that the triggers keep them, and a file whose runs were all pruned keeps its counts.
 */
export function backfillRunCounts(db: DatabaseSync): void {
  const done = db.prepare('SELECT EXISTS (SELECT 1 FROM runs_counted) AS done').get() as Row;
  if (Number(done.done) === 1) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(
      `DELETE FROM check_run_counts;
       INSERT INTO check_run_counts (block_id, target, status, count)
       SELECT block_id, target, status, COUNT(*) FROM runs WHERE status NOT IN ${UNFINISHED} GROUP BY block_id, target, status;
       INSERT INTO runs_counted (id) VALUES (1);`,
    );
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** Finished runs per block, target and status, as counted. */
export function runCounts(db: DatabaseSync): Array<{ blockId: string; target: string; status: string; count: number }> {
  const rows = db.prepare('SELECT block_id, target, status, count FROM check_run_counts WHERE count > 0 ORDER BY block_id, target, status').all() as Row[];
  return rows.map((row) => ({ blockId: String(row.block_id), target: String(row.target), status: String(row.status), count: Number(row.count) }));
}
