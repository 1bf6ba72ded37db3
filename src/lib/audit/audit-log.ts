import type { DatabaseSync } from 'node:sqlite';
import { outcomeOfStatus, type AuditEntry, type AuditQuery, type AuditRecordInput } from './audit-entry.ts';
import { SqliteAuditStore } from './sqlite-audit-store.ts';

const DAY_MS = 86_400_000;

/** What the audit log needs: the shared database, how long to keep entries, a clock. */
export interface AuditLogDeps {
  database: DatabaseSync;
  retentionDays: number;
  now?: () => number;
  warn?: (message: string) => void;
}

/**
 * Records every attempt to change something, refused ones included, and prunes entries
 * older than the retention on start and daily. `record` never throws: a failed write is
 * warned about, and the request it describes is answered regardless.
 */
export class AuditLog {
  private readonly store: SqliteAuditStore;
  private readonly deps: AuditLogDeps;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;

  constructor(deps: AuditLogDeps) {
    this.deps = deps;
    this.store = new SqliteAuditStore(deps.database);
    this.now = deps.now ?? Date.now;
  }

  /** Writes one entry; the outcome defaults to what the status means. */
  record(input: AuditRecordInput): void {
    try {
      this.store.insert({ ...input, at: new Date(this.now()).toISOString(), outcome: input.outcome ?? outcomeOfStatus(input.status), detail: input.detail ?? null });
    } catch (error) {
      (this.deps.warn ?? console.error)(`runbook-live: could not write the audit log: ${(error as Error).message}`);
    }
  }

  /** Entries matching the filters, newest first. */
  list(query: Omit<AuditQuery, 'format'>): AuditEntry[] {
    return this.store.list(query);
  }

  /** Removes entries older than the retention; returns how many. */
  prune(): number {
    return this.store.pruneBefore(new Date(this.now() - this.deps.retentionDays * DAY_MS).toISOString());
  }

  /** Prunes now and then once a day, until `stop`. */
  start(): void {
    if (this.timer) return;
    this.prune();
    this.timer = setInterval(() => this.prune(), DAY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
