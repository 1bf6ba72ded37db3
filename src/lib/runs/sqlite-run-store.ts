import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { LogLine, RunRecord } from './run-record.ts';
import { parseRunResult } from './run-result.ts';
import type { RunQuery, RunStore } from './run-store.ts';
import { blockTargetStats, blockTargetStatsOf, type BlockTargetStats } from './sqlite-run-stats.ts';
import { latestByKey, openCheckLatest, type LatestState } from './sqlite-check-latest.ts';
import { pruneInWorker } from './prune-in-worker.ts';
import { RUN_COUNTS_SCHEMA, backfillRunCounts, runCounts } from './sqlite-run-counts.ts';
import { pruneRuns, storeFacts, type PruneOptions, type PruneResult, type StoreFacts } from './sqlite-run-retention.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  block_id TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  block_hash TEXT NOT NULL,
  block_source TEXT NOT NULL,
  target TEXT NOT NULL,
  status TEXT NOT NULL,
  failure_kind TEXT,
  message TEXT,
  variables TEXT NOT NULL,
  actor TEXT NOT NULL,
  trigger TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  exit_code INTEGER,
  image_id TEXT,
  result TEXT,
  log_bytes INTEGER NOT NULL DEFAULT 0,
  log_truncated INTEGER NOT NULL DEFAULT 0,
  image_digest TEXT,
  doc_hash TEXT,
  docs_commit TEXT,
  actor_role TEXT
);
CREATE INDEX IF NOT EXISTS runs_block ON runs (block_id, created_at DESC);
CREATE INDEX IF NOT EXISTS runs_status ON runs (status);
CREATE INDEX IF NOT EXISTS runs_created ON runs (created_at DESC);
CREATE TABLE IF NOT EXISTS run_logs (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  stream TEXT NOT NULL,
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
`;

const COLUMNS: Record<keyof Omit<RunRecord, 'id'>, string> = {
  blockId: 'block_id',
  docId: 'doc_id',
  blockHash: 'block_hash',
  blockSource: 'block_source',
  target: 'target',
  status: 'status',
  failureKind: 'failure_kind',
  message: 'message',
  variables: 'variables',
  actor: 'actor',
  actorRole: 'actor_role',
  trigger: 'trigger',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  exitCode: 'exit_code',
  imageId: 'image_id',
  result: 'result',
  logBytes: 'log_bytes',
  logTruncated: 'log_truncated',
  imageDigest: 'image_digest',
  docHash: 'doc_hash',
  docsCommit: 'docs_commit',
};

// Columns added after the first release, with their types: a data folder from an older
// version gains them on open, and its existing runs read them as null.
const ADDED_COLUMNS: Record<string, string> = { image_digest: 'TEXT', doc_hash: 'TEXT', docs_commit: 'TEXT', actor_role: 'TEXT' };

type Row = Record<string, string | number | null>;

/** Runs and logs in one SQLite file through node:sqlite, in WAL mode so readers never wait on the writer. */
export class SqliteRunStore implements RunStore {
  private readonly db: DatabaseSync;
  private readonly statements: Record<'insert' | 'get' | 'log' | 'logs' | 'latestVersion' | 'dataVersion', StatementSync>;
  private latest: { version: string; states: ReadonlyMap<string, LatestState> } | null = null;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
    this.addMissingColumns();
    openCheckLatest(this.db);
    this.db.exec(RUN_COUNTS_SCHEMA);
    backfillRunCounts(this.db);
    const columns = ['id', ...Object.values(COLUMNS)];
    this.statements = {
      insert: this.db.prepare(`INSERT INTO runs (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`),
      get: this.db.prepare('SELECT * FROM runs WHERE id = ?'),
      log: this.db.prepare('INSERT INTO run_logs (run_id, seq, stream, text, at) VALUES (?, ?, ?, ?, ?)'),
      logs: this.db.prepare('SELECT * FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      latestVersion: this.db.prepare('SELECT version FROM check_latest_version'),
      dataVersion: this.db.prepare('PRAGMA data_version'),
    };
  }

  private addMissingColumns(): void {
    const present = new Set((this.db.prepare('PRAGMA table_info(runs)').all() as Row[]).map((column) => String(column.name)));
    for (const [column, type] of Object.entries(ADDED_COLUMNS)) {
      if (!present.has(column)) this.db.exec(`ALTER TABLE runs ADD COLUMN ${column} ${type}`);
    }
  }

  /** The underlying database, for other stores that share the file. */
  get database(): DatabaseSync {
    return this.db;
  }

  insertRun(run: RunRecord): void {
    const row = toRow(run);
    this.statements.insert.run(run.id, ...Object.values(COLUMNS).map((column) => row[column] ?? null));
  }

  updateRun(id: string, patch: Partial<Omit<RunRecord, 'id'>>): RunRecord {
    const row = toRow(patch);
    const keys = Object.keys(row);
    if (keys.length > 0) {
      this.db.prepare(`UPDATE runs SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((k) => row[k] ?? null), id);
    }
    const updated = this.getRun(id);
    if (!updated) throw new Error(`run ${id} does not exist`);
    return updated;
  }

  getRun(id: string): RunRecord | null {
    const row = this.statements.get.get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  listRuns(query: RunQuery = {}): RunRecord[] {
    const where: string[] = [];
    const params: string[] = [];
    if (query.blockId) (where.push('block_id = ?'), params.push(query.blockId));
    if (query.docId) (where.push('doc_id = ?'), params.push(query.docId));
    if (query.target) (where.push('target = ?'), params.push(query.target));
    if (query.statuses?.length) (where.push(`status IN (${query.statuses.map(() => '?').join(', ')})`), params.push(...query.statuses));
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ${Math.max(1, Math.min(query.limit ?? 100, 10_000))}`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(fromRow);
  }

  appendLogs(lines: LogLine[]): void {
    if (lines.length === 0) return;
    this.inTransaction(() => {
      for (const line of lines) this.statements.log.run(line.runId, line.seq, line.stream, line.text, line.at);
    });
  }

  getLogs(runId: string, afterSeq = 0, limit = 100_000): LogLine[] {
    return (this.statements.logs.all(runId, afterSeq, limit) as Row[]).map((row) => ({
      runId: String(row.run_id),
      seq: Number(row.seq),
      stream: row.stream as LogLine['stream'],
      text: String(row.text),
      at: String(row.at),
    }));
  }

  interruptUnfinished(at: string, message: string): RunRecord[] {
    const unfinished = this.listRuns({ statuses: ['queued', 'running'], limit: 10_000 });
    this.inTransaction(() => {
      for (const run of unfinished) {
        this.updateRun(run.id, { status: 'interrupted', failureKind: 'interrupted', finishedAt: at, message });
      }
    });
    return unfinished;
  }

  blockTargetStats(now: Date, keys?: Array<{ blockId: string; target: string }>): Map<string, BlockTargetStats> {
    return keys ? blockTargetStatsOf(this.db, now, keys) : blockTargetStats(this.db, now);
  }

  /**
   * Served from memory while check_latest is unchanged: its version row moves with every change
   * to it, by any writer on any connection (the run service, the CLI on the same file), and not
   * with prunes of older runs, so a stale map is never returned and a prune does not cost reads.
   */
  latestByKey(): ReadonlyMap<string, LatestState> {
    const version = String((this.statements.latestVersion.get() as Row).version);
    if (this.latest?.version !== version) this.latest = { version, states: latestByKey(this.db) };
    return this.latest.states;
  }

  /**
   * Moves whenever another connection commits to the database (a CLI run or its incident in the
   * same data folder, the prune worker) and never for this connection's own writes, which the
   * server hears about as events. One pragma read: cheap enough for every cache lookup.
   */
  othersWriteVersion(): number {
    return Number((this.statements.dataVersion.get() as Row).data_version);
  }

  /**
   * A file-backed store prunes in a worker thread on a second connection (WAL lets this one
   * keep reading meanwhile), so requests never wait on the deletes; an in-memory one, which
   * no second connection can open, prunes here between turns of the event loop.
   */
  pruneRuns(options: PruneOptions): Promise<PruneResult> {
    const file = this.db.location();
    return file ? pruneInWorker(file, options) : pruneRuns(this.db, options);
  }

  facts(): StoreFacts {
    return storeFacts(this.db);
  }

  countByBlockTargetStatus(): Array<{ blockId: string; target: string; status: string; count: number }> {
    return runCounts(this.db);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private inTransaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

function toRow(run: Partial<RunRecord>): Row {
  const row: Row = {};
  for (const [key, column] of Object.entries(COLUMNS) as Array<[keyof typeof COLUMNS, string]>) {
    if (!(key in run)) continue;
    const value = run[key];
    if (key === 'variables' || key === 'result') row[column] = value === undefined || value === null ? null : JSON.stringify(value);
    else if (key === 'logTruncated') row[column] = value ? 1 : 0;
    else row[column] = (value ?? null) as string | number | null;
  }
  return row;
}

function fromRow(row: Row): RunRecord {
  return {
    id: String(row.id),
    blockId: String(row.block_id),
    docId: String(row.doc_id),
    blockHash: String(row.block_hash),
    blockSource: String(row.block_source),
    target: String(row.target),
    status: row.status as RunRecord['status'],
    failureKind: (row.failure_kind ?? null) as RunRecord['failureKind'],
    message: row.message === null ? null : String(row.message),
    variables: JSON.parse(String(row.variables ?? '{}')) as Record<string, string>,
    actor: String(row.actor),
    // Present only when known, so runs from before roles read back exactly as they were written.
    ...(row.actor_role === null || row.actor_role === undefined ? {} : { actorRole: String(row.actor_role) }),
    trigger: row.trigger as RunRecord['trigger'],
    createdAt: String(row.created_at),
    startedAt: row.started_at === null ? null : String(row.started_at),
    finishedAt: row.finished_at === null ? null : String(row.finished_at),
    exitCode: row.exit_code === null ? null : Number(row.exit_code),
    imageId: row.image_id === null ? null : String(row.image_id),
    imageDigest: row.image_digest === null || row.image_digest === undefined ? null : String(row.image_digest),
    docHash: row.doc_hash === null || row.doc_hash === undefined ? null : String(row.doc_hash),
    docsCommit: row.docs_commit === null || row.docs_commit === undefined ? null : String(row.docs_commit),
    result: parseRunResult(row.result === null ? null : String(row.result)),
    logBytes: Number(row.log_bytes),
    logTruncated: Number(row.log_truncated) === 1,
  };
}
