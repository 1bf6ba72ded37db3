import type { RunFrames } from './run-frames.ts';
import type { RunEvent, RunEvents } from './run-events.ts';
import type { RunStore } from './run-store.ts';
import { isFinal, type RunRecord } from './run-record.ts';
import type { SseHeartbeat } from './sse-heartbeat.ts';
import { sseStream, type SseSink } from './sse-stream.ts';

/** What the stream needs from the server. */
export interface RunStreamDeps {
  store: RunStore;
  events: RunEvents;
  flushLog(runId: string): void;
  queuePosition(runId: string): number | null;
  /** The heartbeat timer all streams share. */
  heartbeat: SseHeartbeat;
}

/**
 * The SSE body for one run: what already happened (state and stored lines), then live
 * events until the run finishes or the client goes away. Subscribing before reading the
 * store, and skipping lines already sent, means no line is lost or repeated.
 */
export function runEventStream(run: RunRecord, deps: RunStreamDeps, clientGone: AbortSignal, afterSeq = 0): ReadableStream<Uint8Array> {
  return sseStream<RunFrames>(clientGone, deps.heartbeat, (sink) => {
    let lastSeq = afterSeq;
    const deliver = (event: RunEvent) => {
      switch (event.type) {
        case 'log':
          if (event.line.seq <= lastSeq) return;
          lastSeq = event.line.seq;
          sink.send('log', event.line, event.line.seq);
          return;
        case 'queued':
          sink.send('queued', { run: event.run, position: event.position });
          return;
        case 'started':
          sink.send('started', { run: event.run });
          return;
        case 'finished':
          sink.send('finished', { run: event.run });
          sink.close();
      }
    };
    const buffered: RunEvent[] = [];
    let replaying = true;
    const unsubscribe = deps.events.subscribe(run.id, (event) => (replaying ? buffered.push(event) : deliver(event)));

    deps.flushLog(run.id);
    const current = deps.store.getRun(run.id) ?? run;
    replayState(sink, current, deps);
    for (const line of deps.store.getLogs(run.id, lastSeq)) deliver({ type: 'log', line });
    replaying = false;
    if (isFinal(current.status)) {
      sink.send('finished', { run: current });
      sink.close();
    } else {
      for (const event of buffered) deliver(event);
    }
    return unsubscribe;
  });
}

function replayState(sink: SseSink<RunFrames>, current: RunRecord, deps: RunStreamDeps): void {
  if (current.status === 'queued') sink.send('queued', { run: current, position: deps.queuePosition(current.id) ?? 0 });
  else sink.send('started', { run: current });
}
