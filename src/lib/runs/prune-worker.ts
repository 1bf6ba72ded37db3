// A worker thread that prunes runs on its own connection to the run database. SQLite in WAL
// mode lets the server's connection keep reading while this one deletes, so a prune of a
// million rows shares only the write lock (held ~10 ms per batch) with the server, never
// its event loop. Started by prune-in-worker.ts; bundled into dist/server/prune-worker.mjs.
import { setPriority } from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { pruneRuns, type PruneResult, type RetentionPolicy } from './sqlite-run-retention.ts';

/** What the worker is given to do. */
export interface PruneTask {
  file: string;
  policy: RetentionPolicy;
  /** ISO time the policy is judged at. */
  now: string;
  batchSize?: number;
}

/** What the worker answers with, once. */
export type PruneReply = { ok: true; result: PruneResult } | { ok: false; message: string };

/** Rest between batches, as a multiple of each batch's time (see `PruneOptions.restRatio`). */
const REST_RATIO = 1;

/** What the server sends to stop a prune between batches. */
export const STOP_PRUNING = 'stop';

if (parentPort) {
  const port = parentPort;
  const task = workerData as PruneTask;
  const abort = new AbortController();
  port.on('message', (message) => {
    if (message === STOP_PRUNING) abort.abort();
  });
  try {
    // On Linux a nice value belongs to the thread: this one yields the CPU to the server's
    // request thread (and to anything else) whenever both want it.
    setPriority(19);
  } catch {
    // Not permitted here: the prune still rests between batches.
  }
  const db = new DatabaseSync(task.file);
  let reply: PruneReply;
  try {
    // Each connection sets its own: deletes cascade to logs only with foreign keys on, and a
    // batch waits (rather than fails) while the server's connection holds the write lock.
    db.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
    const options = { policy: task.policy, now: new Date(task.now), signal: abort.signal, restRatio: REST_RATIO, ...(task.batchSize ? { batchSize: task.batchSize } : {}) };
    reply = { ok: true, result: await pruneRuns(db, options) };
  } catch (error) {
    reply = { ok: false, message: (error as Error).message };
  } finally {
    db.close();
  }
  port.postMessage(reply);
  port.close();
}
