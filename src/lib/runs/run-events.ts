import { EventEmitter } from 'node:events';
import type { LogLine, RunRecord } from './run-record.ts';

/** What a run's watchers are told, in order. */
export type RunEvent =
  | { type: 'queued'; run: RunRecord; position: number }
  | { type: 'started'; run: RunRecord }
  | { type: 'log'; line: LogLine }
  | { type: 'finished'; run: RunRecord };

/**
 * In-process fan-out of run events: per run for the SSE stream under a block, and for all
 * runs for the dashboard. Storage stays the source of truth; this only carries what
 * happens while someone is listening.
 */
export class RunEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open page subscribes; the default cap of 10 would warn on a busy dashboard.
    this.emitter.setMaxListeners(0);
  }

  /** Tells the run's watchers and the all-runs watchers. */
  publish(runId: string, event: RunEvent): void {
    this.emitter.emit(`run:${runId}`, event);
    this.emitter.emit('all', runId, event);
  }

  /** Follows one run; returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.emitter.on(`run:${runId}`, listener);
    return () => this.emitter.off(`run:${runId}`, listener);
  }

  /** How many listeners are attached, over every run and the all-runs channel: what a leak would grow. */
  listenerCount(): number {
    return this.emitter.eventNames().reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
  }

  /** Follows every run; returns the unsubscribe function. */
  subscribeAll(listener: (runId: string, event: RunEvent) => void): () => void {
    this.emitter.on('all', listener);
    return () => this.emitter.off('all', listener);
  }
}
