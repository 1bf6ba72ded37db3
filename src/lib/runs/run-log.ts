import type { LogLine } from './run-record.ts';
import type { RunStore } from './run-store.ts';
import type { RunEvents } from './run-events.ts';

/** Longest single line kept; a runaway line without newlines must not fill the store. */
const MAX_LINE_CHARS = 8_192;
const FLUSH_EVERY_MS = 100;
const FLUSH_AT_LINES = 500;

/**
 * A run's output: numbered, published the moment it arrives (the live view must not wait
 * on the database), written to the store in batches, and cut off at a byte budget with
 * one visible marker line.
 */
export class RunLog {
  private readonly runId: string;
  private readonly store: RunStore;
  private readonly events: RunEvents;
  private readonly limitBytes: number;
  private pending: LogLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  bytes = 0;
  truncated = false;

  constructor(runId: string, store: RunStore, events: RunEvents, limitBytes: number) {
    this.runId = runId;
    this.store = store;
    this.events = events;
    this.limitBytes = limitBytes;
  }

  /** Records one line of output. */
  write(stream: LogLine['stream'], raw: string): void {
    if (this.truncated) return;
    const text = raw.length > MAX_LINE_CHARS ? `${raw.slice(0, MAX_LINE_CHARS)} … [line cut at ${MAX_LINE_CHARS} characters]` : raw;
    const size = Buffer.byteLength(text) + 1;
    if (this.bytes + size > this.limitBytes) {
      this.truncated = true;
      this.emit('system', `[runbook-live] output truncated: this run's log reached its limit of ${this.limitBytes} bytes; later lines were not kept`);
      return;
    }
    this.bytes += size;
    this.emit(stream, text);
  }

  /** Writes whatever is pending; call before the run's final state is stored. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.store.appendLogs(batch);
  }

  private emit(stream: LogLine['stream'], text: string): void {
    const line: LogLine = { runId: this.runId, seq: ++this.seq, stream, text, at: new Date().toISOString() };
    this.pending.push(line);
    this.events.publish(this.runId, { type: 'log', line });
    if (this.pending.length >= FLUSH_AT_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_EVERY_MS);
  }
}
