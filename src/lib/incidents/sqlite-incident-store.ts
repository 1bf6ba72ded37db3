import type { DatabaseSync } from 'node:sqlite';
import type { Incident, IncidentEvent, IncidentStatus } from './incident-record.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS incidents (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  block_id TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  target TEXT NOT NULL,
  failure_kind TEXT NOT NULL,
  assertion TEXT,
  status TEXT NOT NULL,
  section_doc_id TEXT,
  section_anchor TEXT,
  section_title TEXT,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  resolved_at TEXT,
  acknowledged_by TEXT,
  failures INTEGER NOT NULL DEFAULT 1,
  last_run_id TEXT NOT NULL,
  message TEXT
);
CREATE INDEX IF NOT EXISTS incidents_key ON incidents (block_id, target, failure_kind, status);
CREATE INDEX IF NOT EXISTS incidents_section ON incidents (section_doc_id, section_anchor, opened_at DESC);
CREATE TABLE IF NOT EXISTS incident_events (
  incident_seq INTEGER NOT NULL REFERENCES incidents (seq) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  run_id TEXT,
  actor TEXT,
  text TEXT,
  excerpt TEXT,
  actor_role TEXT,
  PRIMARY KEY (incident_seq, seq)
) WITHOUT ROWID;
`;

type Row = Record<string, string | number | null>;

/** Incident ids read like doc ids: INC-1, INC-2, … */
export function incidentId(seq: number): string {
  return `INC-${seq}`;
}

function seqOf(id: string): number {
  const match = /^INC-(\d+)$/.exec(id);
  return match ? Number(match[1]) : -1;
}

/** Incidents and their timelines in the same SQLite file as the runs. */
export class SqliteIncidentStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.db.exec(SCHEMA);
    // Databases from before roles gain the column; their events read it as null.
    const present = (this.db.prepare('PRAGMA table_info(incident_events)').all() as Row[]).some((column) => column.name === 'actor_role');
    if (!present) this.db.exec('ALTER TABLE incident_events ADD COLUMN actor_role TEXT');
  }

  /** The open (or acknowledged) incident for a key, if there is one. */
  findOpen(key: { blockId: string; target: string; failureKind: string; assertion: string | null }): Incident | null {
    const row = this.db
      .prepare(`SELECT * FROM incidents WHERE block_id = ? AND target = ? AND failure_kind = ? AND assertion IS ? AND status != 'resolved' ORDER BY seq DESC LIMIT 1`)
      .get(key.blockId, key.target, key.failureKind, key.assertion) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /**
   * Opens an incident with its first timeline entry, in one transaction; `within` runs inside it
   * with the new incident (to record its notification, so neither is kept without the other).
   */
  open(incident: Omit<Incident, 'id'>, event: Omit<IncidentEvent, 'incidentId' | 'seq'>, within?: (opened: Incident) => void): Incident {
    return this.transaction(() => {
      const result = this.db
        .prepare(
          `INSERT INTO incidents (block_id, doc_id, target, failure_kind, assertion, status, section_doc_id, section_anchor, section_title,
             opened_at, updated_at, resolved_at, acknowledged_by, failures, last_run_id, message)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          incident.blockId, incident.docId, incident.target, incident.failureKind, incident.assertion, incident.status,
          incident.section?.docId ?? null, incident.section?.anchor ?? null, incident.section?.title ?? null,
          incident.openedAt, incident.updatedAt, incident.resolvedAt, incident.acknowledgedBy, incident.failures, incident.lastRunId, incident.message,
        );
      const id = incidentId(Number(result.lastInsertRowid));
      this.insertEvent(id, event);
      const opened = this.get(id)!;
      within?.(opened);
      return opened;
    });
  }

  /** Adds a timeline entry and updates the incident, in one transaction; `within` runs inside it with the updated incident. */
  record(
    id: string,
    event: Omit<IncidentEvent, 'incidentId' | 'seq'>,
    patch: { status?: IncidentStatus; failures?: number; lastRunId?: string; resolvedAt?: string; acknowledgedBy?: string },
    within?: (updated: Incident) => void,
  ): Incident {
    return this.transaction(() => {
      this.insertEvent(id, event);
      const sets = ['updated_at = ?'];
      const values: Array<string | number> = [event.at];
      if (patch.status) (sets.push('status = ?'), values.push(patch.status));
      if (patch.failures !== undefined) (sets.push('failures = ?'), values.push(patch.failures));
      if (patch.lastRunId) (sets.push('last_run_id = ?'), values.push(patch.lastRunId));
      if (patch.resolvedAt) (sets.push('resolved_at = ?'), values.push(patch.resolvedAt));
      if (patch.acknowledgedBy) (sets.push('acknowledged_by = ?'), values.push(patch.acknowledgedBy));
      this.db.prepare(`UPDATE incidents SET ${sets.join(', ')} WHERE seq = ?`).run(...values, seqOf(id));
      const updated = this.get(id)!;
      within?.(updated);
      return updated;
    });
  }

  get(id: string): Incident | null {
    const row = this.db.prepare('SELECT * FROM incidents WHERE seq = ?').get(seqOf(id)) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  events(id: string): IncidentEvent[] {
    return (this.db.prepare('SELECT * FROM incident_events WHERE incident_seq = ? ORDER BY seq').all(seqOf(id)) as Row[]).map((row) => ({
      incidentId: id,
      seq: Number(row.seq),
      at: String(row.at),
      type: row.type as IncidentEvent['type'],
      runId: row.run_id === null ? null : String(row.run_id),
      actor: row.actor === null ? null : String(row.actor),
      ...(row.actor_role === null || row.actor_role === undefined ? {} : { actorRole: String(row.actor_role) }),
      text: row.text === null ? null : String(row.text),
      excerpt: row.excerpt === null ? null : String(row.excerpt),
    }));
  }

  /** Open ones first (newest first), then resolved ones, newest first. */
  list(filter: { blockId?: string; target?: string; sectionDocId?: string; openOnly?: boolean; limit?: number } = {}): Incident[] {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.blockId) (where.push('block_id = ?'), params.push(filter.blockId));
    if (filter.target) (where.push('target = ?'), params.push(filter.target));
    if (filter.sectionDocId) (where.push('section_doc_id = ?'), params.push(filter.sectionDocId));
    if (filter.openOnly) where.push(`status != 'resolved'`);
    const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY (status = 'resolved'), updated_at DESC, seq DESC LIMIT ${Math.max(1, Math.min(filter.limit ?? 200, 5000))}`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(fromRow);
  }

  /** The incident a run opened or was counted in, if any. */
  forRun(runId: string): Incident | null {
    const row = this.db
      .prepare('SELECT incidents.* FROM incidents JOIN incident_events ON incident_events.incident_seq = incidents.seq WHERE incident_events.run_id = ? ORDER BY incident_events.seq LIMIT 1')
      .get(runId) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Open incidents per block and target, for metrics and the dashboard. */
  openCounts(): Array<{ blockId: string; target: string; failureKind: string; count: number }> {
    return (this.db.prepare(`SELECT block_id, target, failure_kind, COUNT(*) AS n FROM incidents WHERE status != 'resolved' GROUP BY block_id, target, failure_kind`).all() as Row[]).map((row) => ({
      blockId: String(row.block_id),
      target: String(row.target),
      failureKind: String(row.failure_kind),
      count: Number(row.n),
    }));
  }

  private insertEvent(id: string, event: Omit<IncidentEvent, 'incidentId' | 'seq'>): void {
    const seq = seqOf(id);
    const next = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM incident_events WHERE incident_seq = ?').get(seq) as Row).next;
    this.db
      .prepare('INSERT INTO incident_events (incident_seq, seq, at, type, run_id, actor, actor_role, text, excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(seq, Number(next), event.at, event.type, event.runId, event.actor, event.actorRole ?? null, event.text, event.excerpt);
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

function fromRow(row: Row): Incident {
  return {
    id: incidentId(Number(row.seq)),
    blockId: String(row.block_id),
    docId: String(row.doc_id),
    target: String(row.target),
    failureKind: row.failure_kind as Incident['failureKind'],
    assertion: row.assertion === null ? null : String(row.assertion),
    status: row.status as IncidentStatus,
    section: row.section_doc_id === null ? null : { docId: String(row.section_doc_id), anchor: String(row.section_anchor), title: String(row.section_title) },
    openedAt: String(row.opened_at),
    updatedAt: String(row.updated_at),
    resolvedAt: row.resolved_at === null ? null : String(row.resolved_at),
    acknowledgedBy: row.acknowledged_by === null ? null : String(row.acknowledged_by),
    failures: Number(row.failures),
    lastRunId: String(row.last_run_id),
    message: row.message === null ? null : String(row.message),
  };
}
