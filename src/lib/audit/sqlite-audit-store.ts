import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AuditEntry, AuditQuery } from './audit-entry.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT,
  via TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  outcome TEXT NOT NULL,
  status INTEGER NOT NULL,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at DESC);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, at DESC);
`;

type Row = Record<string, string | number | null>;

/** The audit log as a table in the runs database (opened, in WAL mode, by the run store). */
export class SqliteAuditStore {
  private readonly db: DatabaseSync;
  private readonly insertStatement: StatementSync;

  constructor(database: DatabaseSync) {
    this.db = database;
    this.db.exec(SCHEMA);
    this.insertStatement = this.db.prepare('INSERT INTO audit_log (at, actor, role, via, address, action, target, outcome, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  }

  insert(entry: Omit<AuditEntry, 'id'>): number {
    const result = this.insertStatement.run(entry.at, entry.actor, entry.role, entry.via, entry.address, entry.action, entry.target, entry.outcome, entry.status, entry.detail);
    return Number(result.lastInsertRowid);
  }

  /** Entries matching the filters, newest first. */
  list(query: Omit<AuditQuery, 'format'>): AuditEntry[] {
    const clauses: string[] = [];
    const values: (string | number)[] = [];
    if (query.actor) (clauses.push('actor = ?'), values.push(query.actor));
    if (query.action) (clauses.push('action = ?'), values.push(query.action));
    if (query.outcome) (clauses.push('outcome = ?'), values.push(query.outcome));
    if (query.from) (clauses.push('at >= ?'), values.push(new Date(query.from).toISOString()));
    if (query.to) (clauses.push('at < ?'), values.push(endOf(query.to)));
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.db.prepare(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`).all(...values, query.limit) as Row[];
    return rows.map(fromRow);
  }

  /** Removes entries older than `before` (ISO); returns how many. */
  pruneBefore(before: string): number {
    return Number(this.db.prepare('DELETE FROM audit_log WHERE at < ?').run(before).changes);
  }
}

/** A bare date means up to the end of that day; a time means itself. */
function endOf(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString();
  return new Date(value).toISOString();
}

function fromRow(row: Row): AuditEntry {
  return {
    id: Number(row.id),
    at: String(row.at),
    actor: String(row.actor),
    role: row.role === null ? null : String(row.role),
    via: String(row.via),
    address: String(row.address),
    action: String(row.action),
    target: String(row.target),
    outcome: String(row.outcome) as AuditEntry['outcome'],
    status: Number(row.status),
    detail: row.detail === null ? null : String(row.detail),
  };
}
