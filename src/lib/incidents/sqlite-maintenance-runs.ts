import type { DatabaseSync } from 'node:sqlite';
import type { RunRecord } from '../runs/index.ts';
import type { ActiveMaintenance, MaintenanceWindows } from '../systems/index.ts';

// Kept beside the runs, and deleted with them (retention deletes runs; foreign keys are on).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS maintenance_runs (
  run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  reason TEXT,
  window_from TEXT NOT NULL,
  window_until TEXT NOT NULL
) WITHOUT ROWID;
`;

type Row = Record<string, string | null>;

/**
 * Which finished runs ended inside a maintenance window, and which window: the mark that says
 * why a failure opened no incident. Written when the run's end is handled, so a later change
 * to the configuration does not rewrite history.
 */
export class SqliteMaintenanceRuns {
  private readonly db: DatabaseSync;
  private readonly windows: MaintenanceWindows;

  constructor(db: DatabaseSync, windows: MaintenanceWindows) {
    this.db = db;
    this.windows = windows;
    this.db.exec(SCHEMA);
  }

  /** The window the run ended in (at its finish time), recorded with the run; null when none. */
  note(run: RunRecord): ActiveMaintenance | null {
    if (this.windows.size === 0) return null;
    const window = this.windows.activeWindow(new Date(run.finishedAt ?? Date.now()), { target: run.target, blockId: run.blockId, docId: run.docId });
    if (!window) return null;
    this.db
      .prepare('INSERT OR REPLACE INTO maintenance_runs (run_id, source, reason, window_from, window_until) VALUES (?, ?, ?, ?, ?)')
      .run(run.id, window.source, window.reason, window.from, window.until);
    return window;
  }

  /** The window a run ended in, as recorded, or null. */
  of(runId: string): ActiveMaintenance | null {
    const row = this.db.prepare('SELECT * FROM maintenance_runs WHERE run_id = ?').get(runId) as Row | undefined;
    return row ? { source: row.source!, reason: row.reason ?? null, from: row.window_from!, until: row.window_until! } : null;
  }
}
