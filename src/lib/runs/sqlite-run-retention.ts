import { statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';

const DAY_MS = 86_400_000;

/** `runs.retention` in runbook-live.yaml, in the store's terms. */
export interface RetentionPolicy {
  /** Runs kept per block and target however old they are (at least 1: the newest run is always kept). */
  keepLast: number;
  /** Runs younger than this are kept however many there are. */
  keepDays: number;
}

export interface PruneOptions {
  policy: RetentionPolicy;
  now: Date;
  /** Runs deleted per transaction; each batch is a short write lock, then the event loop gets a turn. */
  batchSize?: number;
  /** Stops between batches when aborted (the server is closing). */
  signal?: AbortSignal;
  /**
   * Rest after each batch, as a multiple of the time the batch took (at least 3 ms). Every
   * commit makes the server's connection drop its page cache, so a pruner that never rests
   * keeps the server reading from the OS instead: 1 halves the prune's share of the database.
   */
  restRatio?: number;
}

export interface PruneResult {
  deleted: number;
  batches: number;
  ms: number;
}

/** What the health page shows about the run database. */
export interface StoreFacts {
  /** Main file plus write-ahead log, in bytes. */
  databaseBytes: number;
  walBytes: number;
  oldestRunAt: string | null;
}

type Row = Record<string, string | number | null>;

/** Longest stretch of candidate scanning before the event loop gets a turn, in ms. */
const SCAN_SLICE_MS = 10;

/** Deleting stops for a commit once a transaction has taken this long, in ms. */
const BATCH_MS = 10;

/** A turn of the event loop for requests waiting on I/O, between two slices of scanning. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A few ms between two delete batches: a request's several async steps all get their turns. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(3, ms)));

/**
 * Deletes the runs the policy does not keep, with their logs (ON DELETE CASCADE): a run goes
 * when it is past the newest `keepLast` of its block and target and older than `keepDays`.
 * Queued and running runs are never touched. Work is cut into batches of at most `batchSize`
 * deletes and ~10 ms, each its own short transaction followed by a passive WAL checkpoint and a
 * pause, so a prune
 * of a million rows never holds the writer (or the event loop) for long; the log is truncated
 * once at the end.
 */
export async function pruneRuns(db: DatabaseSync, options: PruneOptions): Promise<PruneResult> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 500;
  const cutoff = new Date(options.now.getTime() - options.policy.keepDays * DAY_MS).toISOString();
  const keepLast = Math.max(1, options.policy.keepLast);
  // Past the newest keepLast of the key (read newest first off the index), and older than the cutoff.
  const candidates = db.prepare(
    `SELECT rowid AS id FROM (
       SELECT rowid, created_at, status FROM runs INDEXED BY runs_key_status
       WHERE block_id = ? AND target = ? ORDER BY created_at DESC LIMIT -1 OFFSET ?)
     WHERE created_at < ? AND status NOT IN ('queued', 'running') LIMIT ?`,
  );
  const remove = db.prepare('DELETE FROM runs WHERE rowid = ?');
  const keys = db.prepare('SELECT block_id, target FROM check_latest').all() as Row[];
  let deleted = 0;
  let batches = 0;
  let pending: number[] = [];
  // Deletes what is pending in transactions of at most `batchSize` rows and about BATCH_MS of
  // work each (a cold page cache makes deletes slow), each followed by a passive checkpoint and
  // a pause, so no request waits behind the pruner for long.
  const flush = async () => {
    while (pending.length > 0) {
      const start = performance.now();
      let done = 0;
      db.exec('BEGIN IMMEDIATE');
      try {
        while (done < pending.length) {
          remove.run(pending[done]!);
          done += 1;
          if (done % 16 === 0 && performance.now() - start > BATCH_MS) break;
        }
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
      deleted += done;
      batches += 1;
      pending = pending.slice(done);
      db.exec('PRAGMA wal_checkpoint(PASSIVE)');
      await pause((performance.now() - start) * (options.restRatio ?? 0));
      if (options.signal?.aborted) return;
    }
  };
  let sliceStart = performance.now();
  for (const key of keys) {
    if (options.signal?.aborted) break;
    // A key may hold more than one batch of old runs: fewer than asked for means it has no
    // more; a full batch is deleted before asking again, so no row is chosen twice.
    for (;;) {
      const room = batchSize - pending.length;
      for (const row of candidates.all(key.block_id, key.target, keepLast, cutoff, room) as Row[]) pending.push(Number(row.id));
      if (pending.length >= batchSize) {
        await flush();
        sliceStart = performance.now();
        if (options.signal?.aborted) break;
        continue;
      }
      break;
    }
    if (performance.now() - sliceStart > SCAN_SLICE_MS) {
      await yieldToRequests();
      sliceStart = performance.now();
    }
  }
  if (!options.signal?.aborted) await flush();
  // Idle now: give the log's space back.
  if (deleted > 0) db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  return { deleted, batches, ms: performance.now() - started };
}

/** The database's size (main file and WAL) and its oldest stored run. */
export function storeFacts(db: DatabaseSync): StoreFacts {
  const pages = db.prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()').get() as Row;
  const oldest = db.prepare('SELECT MIN(created_at) AS at FROM runs').get() as Row;
  const file = db.location();
  let walBytes = 0;
  try {
    walBytes = file ? statSync(`${file}-wal`).size : 0;
  } catch {
    // No log file right after a TRUNCATE checkpoint or on close: nothing to add.
  }
  return { databaseBytes: Number(pages.bytes) + walBytes, walBytes, oldestRunAt: oldest.at === null ? null : String(oldest.at) };
}
