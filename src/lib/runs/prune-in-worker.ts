import { Worker } from 'node:worker_threads';
import { locateWorkerModule } from '../shared/index.ts';
import { STOP_PRUNING, type PruneReply, type PruneTask } from './prune-worker.ts';
import type { PruneOptions, PruneResult } from './sqlite-run-retention.ts';

/**
 * Runs one prune pass in a worker thread on its own connection to `file`, and resolves with
 * what it removed. Aborting `options.signal` stops it between two batches. The worker lives
 * only for the pass: a prune runs hourly, and an idle thread would hold its heap for nothing.
 */
export function pruneInWorker(file: string, options: PruneOptions, workerFile: string = locateWorkerModule('prune-worker', import.meta.url)): Promise<PruneResult> {
  const task: PruneTask = { file, policy: options.policy, now: options.now.toISOString(), ...(options.batchSize ? { batchSize: options.batchSize } : {}) };
  // Stopped before it began (the server closing): no thread to start.
  if (options.signal?.aborted) return Promise.resolve({ deleted: 0, batches: 0, ms: 0 });
  return new Promise<PruneResult>((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: task });
    let reply: PruneReply | null = null;
    const stop = () => worker.postMessage(STOP_PRUNING);
    options.signal?.addEventListener('abort', stop, { once: true });
    worker.once('message', (message: PruneReply) => (reply = message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      options.signal?.removeEventListener('abort', stop);
      if (reply?.ok) resolve(reply.result);
      else reject(new Error(reply ? reply.message : `the prune worker stopped with exit code ${code} before answering`));
    });
  });
}
