import type { DatabaseSync } from 'node:sqlite';
import type { DeliveryPatch, WebhookDelivery } from './webhook-delivery.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  incident_id TEXT NOT NULL,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_attempt_at TEXT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS webhook_deliveries_incident ON webhook_deliveries (incident_id, seq);
`;

// A delivery goes out only once every earlier delivery of its incident is done, so a receiver
// never hears "resolved" before "opened" because the first attempt at "opened" failed.
const IS_HEAD = `status = 'pending' AND NOT EXISTS (
  SELECT 1 FROM webhook_deliveries AS earlier WHERE earlier.incident_id = webhook_deliveries.incident_id AND earlier.status = 'pending' AND earlier.seq < webhook_deliveries.seq)`;

type Row = Record<string, string | number | null>;

/** A delivery with the exact body every attempt sends. */
export type OutboxEntry = WebhookDelivery & { payload: string };

/**
 * The webhook outbox: notifications waiting to be delivered, in the same SQLite file as the
 * incidents they are about, so recording one can share the incident change's transaction and
 * a restart finds every one still pending. Several processes (a server and a CLI) may share
 * it: an attempt is claimed by one conditional update, which only one of them wins.
 */
export class SqliteWebhookOutbox {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.db.exec(SCHEMA);
  }

  /** Records a notification, due now. Does not open a transaction: the caller's, if any, covers it. */
  enqueue(entry: { id: string; incidentId: string; event: WebhookDelivery['event']; payload: string; createdAt: string }): void {
    this.db
      .prepare(`INSERT INTO webhook_deliveries (id, incident_id, event, payload, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`)
      .run(entry.id, entry.incidentId, entry.event, entry.payload, entry.createdAt, entry.createdAt);
  }

  /** Pending deliveries due by `now`, first due first, at most one per incident. */
  due(now: string, limit = 20): OutboxEntry[] {
    return (this.db.prepare(`SELECT * FROM webhook_deliveries WHERE ${IS_HEAD} AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?`).all(now, limit) as Row[]).map(fromRow);
  }

  /** When the next delivery falls due (possibly already past), or null when none is pending. */
  nextDueAt(): string | null {
    const row = this.db.prepare(`SELECT MIN(next_attempt_at) AS next FROM webhook_deliveries WHERE ${IS_HEAD}`).get() as Row;
    return row.next === null ? null : String(row.next);
  }

  /**
   * Takes attempt number `attempts + 1` of a delivery: counts it and moves its due time to
   * `leaseUntil`, so a process that dies mid-request leaves it to be tried again then.
   * False when another process took it first.
   */
  claim(id: string, attempts: number, leaseUntil: string, now: string): boolean {
    const result = this.db
      .prepare(`UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_attempt_at = ? WHERE id = ? AND status = 'pending' AND attempts = ? AND next_attempt_at <= ?`)
      .run(leaseUntil, now, id, attempts, now);
    return Number(result.changes) === 1;
  }

  /**
   * Records how attempt number `attempts` ended. A success always counts (it is never sent
   * again); a failure only while no later attempt has been claimed meanwhile.
   */
  finish(id: string, attempts: number, patch: DeliveryPatch): void {
    const sets = 'status = ?, next_attempt_at = ?, last_status = ?, last_error = ?, delivered_at = ?';
    const values = [patch.status, patch.nextAttemptAt, patch.lastStatus, patch.lastError, patch.deliveredAt];
    if (patch.status === 'delivered') this.db.prepare(`UPDATE webhook_deliveries SET ${sets} WHERE id = ? AND status = 'pending'`).run(...values, id);
    else this.db.prepare(`UPDATE webhook_deliveries SET ${sets} WHERE id = ? AND status = 'pending' AND attempts = ?`).run(...values, id, attempts);
  }

  /** One incident's deliveries, oldest first. */
  forIncident(incidentId: string): WebhookDelivery[] {
    return (this.db.prepare('SELECT * FROM webhook_deliveries WHERE incident_id = ? ORDER BY seq').all(incidentId) as Row[]).map((row) => {
      const { payload: _payload, ...delivery } = fromRow(row);
      return delivery;
    });
  }

  /** How many deliveries are in each state, for the health page. */
  counts(): Record<WebhookDelivery['status'], number> {
    const counts = { pending: 0, delivered: 0, failed: 0 };
    for (const row of this.db.prepare('SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status').all() as Row[]) counts[row.status as WebhookDelivery['status']] = Number(row.n);
    return counts;
  }
}

function fromRow(row: Row): OutboxEntry {
  const text = (value: string | number | null | undefined) => (value === null || value === undefined ? null : String(value));
  return {
    id: String(row.id),
    incidentId: String(row.incident_id),
    event: row.event as WebhookDelivery['event'],
    status: row.status as WebhookDelivery['status'],
    attempts: Number(row.attempts),
    nextAttemptAt: text(row.next_attempt_at),
    lastAttemptAt: text(row.last_attempt_at),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: text(row.last_error),
    deliveredAt: text(row.delivered_at),
    createdAt: String(row.created_at),
    payload: String(row.payload),
  };
}
