import { EventEmitter } from 'node:events';
import type { RunbookRunRecord } from './runbook-run-record.ts';

/** What a runbook run's watchers are told: every change of a step, then the end. */
export type RunbookRunEvent = { type: 'updated' | 'finished'; run: RunbookRunRecord };

/** In-process fan-out of runbook run changes, for the timeline's stream. The store stays the source of truth. */
export class RunbookRunEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open timeline subscribes; the default cap of 10 would warn.
    this.emitter.setMaxListeners(0);
  }

  publish(event: RunbookRunEvent): void {
    this.emitter.emit(`runbook:${event.run.id}`, event);
    this.emitter.emit('all', event);
  }

  /** Follows one runbook run; returns the unsubscribe function. */
  subscribe(id: string, listener: (event: RunbookRunEvent) => void): () => void {
    this.emitter.on(`runbook:${id}`, listener);
    return () => this.emitter.off(`runbook:${id}`, listener);
  }

  /** Follows every runbook run; returns the unsubscribe function. */
  subscribeAll(listener: (event: RunbookRunEvent) => void): () => void {
    this.emitter.on('all', listener);
    return () => this.emitter.off('all', listener);
  }
}
