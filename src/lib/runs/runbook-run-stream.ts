import type { RunbookRunFrames } from './run-frames.ts';
import { isFinal } from './run-record.ts';
import type { RunbookRunEvents } from './runbook-run-events.ts';
import type { RunbookRunRecord } from './runbook-run-record.ts';
import type { RunbookRunStore } from './sqlite-runbook-run-store.ts';
import type { SseHeartbeat } from './sse-heartbeat.ts';
import { sseStream } from './sse-stream.ts';

/**
 * The SSE body of one runbook run: its state now, then every change until it finishes or the
 * client goes away. Each frame carries the whole record (a few steps), so a reader that
 * missed one is never out of date after the next. Subscribing before reading the store means
 * no change falls between the two.
 */
export function runbookRunStream(run: RunbookRunRecord, deps: { store: RunbookRunStore; events: RunbookRunEvents; heartbeat: SseHeartbeat }, clientGone: AbortSignal): ReadableStream<Uint8Array> {
  return sseStream<RunbookRunFrames>(clientGone, deps.heartbeat, (sink) => {
    const unsubscribe = deps.events.subscribe(run.id, (event) => {
      sink.send(event.type, { run: event.run });
      if (event.type === 'finished') sink.close();
    });
    const current = deps.store.get(run.id) ?? run;
    if (isFinal(current.status)) {
      sink.send('finished', { run: current });
      sink.close();
    } else {
      sink.send('updated', { run: current });
    }
    return unsubscribe;
  });
}
