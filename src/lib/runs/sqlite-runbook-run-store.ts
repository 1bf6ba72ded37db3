import type { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { runbookStepSchema, type RunbookRunRecord } from './runbook-run-record.ts';

// A table of its own beside `runs`: a runbook run groups step runs, which stay ordinary runs
// (with their own pages, incidents and statistics), so nothing about `runs` changes.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS runbook_runs (
  id TEXT PRIMARY KEY,
  doc_id TEXT NOT NULL,
  doc_title TEXT NOT NULL,
  plan_hash TEXT NOT NULL,
  target TEXT NOT NULL,
  status TEXT NOT NULL,
  failure_kind TEXT,
  message TEXT,
  variables TEXT NOT NULL,
  actor TEXT NOT NULL,
  trigger TEXT NOT NULL,
  keep_going INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  steps TEXT NOT NULL,
  actor_role TEXT
);
CREATE INDEX IF NOT EXISTS runbook_runs_doc ON runbook_runs (doc_id, target, created_at DESC);
CREATE INDEX IF NOT EXISTS runbook_runs_status ON runbook_runs (status);
`;

const COLUMNS: Record<keyof Omit<RunbookRunRecord, 'id'>, string> = {
  docId: 'doc_id',
  docTitle: 'doc_title',
  planHash: 'plan_hash',
  target: 'target',
  status: 'status',
  failureKind: 'failure_kind',
  message: 'message',
  variables: 'variables',
  actor: 'actor',
  actorRole: 'actor_role',
  trigger: 'trigger',
  keepGoing: 'keep_going',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  steps: 'steps',
};

const stepsSchema = z.array(runbookStepSchema);

type Row = Record<string, string | number | null>;

/** Filters for listing runbook runs, newest first. */
export interface RunbookRunQuery {
  docId?: string;
  target?: string;
  limit?: number;
}

/** Durable storage of runbook runs. */
export interface RunbookRunStore {
  insert(run: RunbookRunRecord): void;
  /** Applies a partial update; returns the run as stored afterwards. */
  update(id: string, patch: Partial<Omit<RunbookRunRecord, 'id'>>): RunbookRunRecord;
  get(id: string): RunbookRunRecord | null;
  list(query?: RunbookRunQuery): RunbookRunRecord[];
  /** The runbook run one of whose steps is this run, if any. */
  forStepRun(runId: string): RunbookRunRecord | null;
  /** Marks every queued or running runbook run interrupted, its pending steps skipped; returns them as they were. */
  interruptUnfinished(at: string, message: string): RunbookRunRecord[];
}

/** Runbook runs in the runs' SQLite file. */
export class SqliteRunbookRunStore implements RunbookRunStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.db.exec(SCHEMA);
    // Databases from before roles gain the column; their runbook runs read it as null.
    const present = (this.db.prepare('PRAGMA table_info(runbook_runs)').all() as Row[]).some((column) => column.name === 'actor_role');
    if (!present) this.db.exec('ALTER TABLE runbook_runs ADD COLUMN actor_role TEXT');
  }

  insert(run: RunbookRunRecord): void {
    const row = toRow(run);
    const columns = Object.values(COLUMNS);
    this.db.prepare(`INSERT INTO runbook_runs (id, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`).run(run.id, ...columns.map((c) => row[c] ?? null));
  }

  update(id: string, patch: Partial<Omit<RunbookRunRecord, 'id'>>): RunbookRunRecord {
    const row = toRow(patch);
    const keys = Object.keys(row);
    if (keys.length > 0) this.db.prepare(`UPDATE runbook_runs SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((k) => row[k] ?? null), id);
    const updated = this.get(id);
    if (!updated) throw new Error(`runbook run ${id} does not exist`);
    return updated;
  }

  get(id: string): RunbookRunRecord | null {
    const row = this.db.prepare('SELECT * FROM runbook_runs WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  list(query: RunbookRunQuery = {}): RunbookRunRecord[] {
    const where: string[] = [];
    const params: string[] = [];
    if (query.docId) (where.push('doc_id = ?'), params.push(query.docId));
    if (query.target) (where.push('target = ?'), params.push(query.target));
    const sql = `SELECT * FROM runbook_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ${Math.max(1, Math.min(query.limit ?? 100, 10_000))}`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(fromRow);
  }

  forStepRun(runId: string): RunbookRunRecord | null {
    const row = this.db
      .prepare(`SELECT runbook_runs.* FROM runbook_runs, json_each(runbook_runs.steps) AS step WHERE json_extract(step.value, '$.runId') = ? LIMIT 1`)
      .get(runId) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  interruptUnfinished(at: string, message: string): RunbookRunRecord[] {
    const unfinished = (this.db.prepare(`SELECT * FROM runbook_runs WHERE status IN ('queued', 'running')`).all() as Row[]).map(fromRow);
    for (const run of unfinished) {
      const steps = run.steps.map((step) =>
        step.status === 'pending' ? { ...step, status: 'skipped' as const, reason: 'skipped: the server stopped' } : step.status === 'queued' || step.status === 'running' ? { ...step, status: 'interrupted' as const, reason: message } : step,
      );
      this.update(run.id, { status: 'interrupted', failureKind: 'interrupted', message, finishedAt: at, steps });
    }
    return unfinished;
  }
}

function toRow(run: Partial<RunbookRunRecord>): Row {
  const row: Row = {};
  for (const [key, column] of Object.entries(COLUMNS) as Array<[keyof typeof COLUMNS, string]>) {
    if (!(key in run)) continue;
    const value = run[key];
    if (key === 'variables' || key === 'steps') row[column] = JSON.stringify(value);
    else if (key === 'keepGoing') row[column] = value ? 1 : 0;
    else row[column] = (value ?? null) as string | number | null;
  }
  return row;
}

function fromRow(row: Row): RunbookRunRecord {
  const text = (value: string | number | null) => (value === null ? null : String(value));
  return {
    id: String(row.id),
    docId: String(row.doc_id),
    docTitle: String(row.doc_title),
    planHash: String(row.plan_hash),
    target: String(row.target),
    status: row.status as RunbookRunRecord['status'],
    failureKind: (row.failure_kind ?? null) as RunbookRunRecord['failureKind'],
    message: text(row.message),
    variables: JSON.parse(String(row.variables)) as Record<string, string>,
    actor: String(row.actor),
    ...(row.actor_role === null || row.actor_role === undefined ? {} : { actorRole: String(row.actor_role) }),
    trigger: row.trigger as RunbookRunRecord['trigger'],
    keepGoing: Number(row.keep_going) === 1,
    createdAt: String(row.created_at),
    startedAt: text(row.started_at),
    finishedAt: text(row.finished_at),
    // Parsed, not cast: the column outlives the code that wrote it.
    steps: stepsSchema.parse(JSON.parse(String(row.steps))),
  };
}
