import type { RunEvents } from './run-events.ts';
import { sseFrame } from './run-event-stream.ts';

const HEARTBEAT_MS = 15_000;

/**
 * SSE of every run's life (queued, started, finished), without log lines: what the
 * dashboard needs to update its rows as runs happen.
 */
export function allRunsStream(events: RunEvents, clientGone: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const unsubscribe = events.subscribeAll((_runId, event) => {
        if (event.type === 'log') return;
        const { run } = event;
        send(sseFrame(event.type, { key: `${run.blockId}@${run.target}`, run: { ...run, blockSource: undefined, result: undefined }, ...(event.type === 'queued' ? { position: event.position } : {}) }));
      });
      const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
      const onGone = () => {
        if (closed) return;
        closed = true;
        cleanup();
        controller.close();
      };
      cleanup = () => {
        unsubscribe();
        clearInterval(heartbeat);
        clientGone.removeEventListener('abort', onGone);
      };
      clientGone.addEventListener('abort', onGone, { once: true });
      send('retry: 2000\n\n');
    },
    cancel() {
      cleanup();
    },
  });
}
