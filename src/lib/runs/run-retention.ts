import type { RunStore } from './run-store.ts';
import type { PruneResult, RetentionPolicy, StoreFacts } from './sqlite-run-retention.ts';

const HOUR_MS = 3_600_000;

export interface RunRetentionDeps {
  store: Pick<RunStore, 'pruneRuns' | 'facts'>;
  policy: RetentionPolicy;
  /** How often a prune pass runs after the first; an hour by default. */
  everyMs?: number;
  now?: () => Date;
  warn?: (message: string) => void;
  /** Told after each pass that removed runs: pages showing pass rates and history are stale. */
  onPruned?: (result: PruneResult) => void;
}

/** What the health page shows: the database, the policy and the last prune. */
export interface RetentionStatus extends StoreFacts {
  policy: RetentionPolicy;
  lastPrune: (PruneResult & { at: string }) | null;
}

/** Prunes runs by the policy on start and then periodically, one pass at a time, until `stop`. */
export class RunRetention {
  private readonly deps: RunRetentionDeps;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PruneResult> | null = null;
  private readonly abort = new AbortController();
  private last: RetentionStatus['lastPrune'] = null;

  constructor(deps: RunRetentionDeps) {
    this.deps = deps;
  }

  /** One prune pass; a call while one is going joins it. */
  prune(): Promise<PruneResult> {
    this.running ??= (async () => {
      try {
        const now = this.deps.now?.() ?? new Date();
        const result = await this.deps.store.pruneRuns({ policy: this.deps.policy, now, signal: this.abort.signal });
        this.last = { ...result, at: now.toISOString() };
        if (result.deleted > 0) this.deps.onPruned?.(result);
        return result;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    const pass = () => void this.prune().catch((error: unknown) => (this.deps.warn ?? console.error)(`runbook-live: pruning runs failed: ${(error as Error).message}`));
    pass();
    this.timer = setInterval(pass, this.deps.everyMs ?? HOUR_MS);
    this.timer.unref();
  }

  /** Stops the timer and a pass in progress (between batches); resolves once it has stopped. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  status(): RetentionStatus {
    return { ...this.deps.store.facts(), policy: this.deps.policy, lastPrune: this.last };
  }
}
