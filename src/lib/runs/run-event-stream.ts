import type { RunEvent, RunEvents } from './run-events.ts';
import type { RunStore } from './run-store.ts';
import { isFinal, type RunRecord } from './run-record.ts';

/** What the stream needs from the server. */
export interface RunStreamDeps {
  store: RunStore;
  events: RunEvents;
  flushLog(runId: string): void;
  queuePosition(runId: string): number | null;
}

const HEARTBEAT_MS = 15_000;

/** One Server-Sent Event frame; `data` is JSON, so it never contains a raw newline. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The SSE body for one run: what already happened (state and stored lines), then live
 * events until the run finishes or the client goes away. Subscribing before reading the
 * store, and skipping lines already sent, means no line is lost or repeated.
 */
export function runEventStream(run: RunRecord, deps: RunStreamDeps, clientGone: AbortSignal, afterSeq = 0): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let lastSeq = afterSeq;
      let closed = false;
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        controller.close();
      };
      const deliver = (event: RunEvent) => {
        switch (event.type) {
          case 'log':
            if (event.line.seq <= lastSeq) return;
            lastSeq = event.line.seq;
            send(sseFrame('log', event.line, event.line.seq));
            return;
          case 'queued':
            send(sseFrame('queued', { run: event.run, position: event.position }));
            return;
          case 'started':
            send(sseFrame('started', { run: event.run }));
            return;
          case 'finished':
            send(sseFrame('finished', { run: event.run }));
            close();
        }
      };
      const buffered: RunEvent[] = [];
      let replaying = true;
      const unsubscribe = deps.events.subscribe(run.id, (event) => (replaying ? buffered.push(event) : deliver(event)));
      const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
      const onGone = () => close();
      clientGone.addEventListener('abort', onGone, { once: true });
      cleanup = () => {
        unsubscribe();
        clearInterval(heartbeat);
        clientGone.removeEventListener('abort', onGone);
      };

      deps.flushLog(run.id);
      const current = deps.store.getRun(run.id) ?? run;
      send('retry: 2000\n\n');
      if (current.status === 'queued') send(sseFrame('queued', { run: current, position: deps.queuePosition(run.id) ?? 0 }));
      else send(sseFrame('started', { run: current }));
      for (const line of deps.store.getLogs(run.id, lastSeq)) deliver({ type: 'log', line });
      replaying = false;
      if (isFinal(current.status)) {
        send(sseFrame('finished', { run: current }));
        close();
        return;
      }
      for (const event of buffered) deliver(event);
    },
    cancel() {
      cleanup();
    },
  });
}
