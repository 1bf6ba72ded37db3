import { HEARTBEAT_FRAME, type SseHeartbeat } from './sse-heartbeat.ts';

/** One Server-Sent Event frame; `data` is JSON, so it never contains a raw newline. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** What a stream's producer may do: send a typed frame, or end the stream. */
export interface SseSink<Frames> {
  send<Event extends keyof Frames & string>(event: Event, data: Frames[Event], id?: number): void;
  close(): void;
}

/**
 * A `text/event-stream` body. `open` starts producing and returns its clean-up, which runs
 * exactly once: when the producer closes, when the client goes away, or when the reader
 * cancels. A retry hint opens the stream and comment heartbeats, on the timer `heartbeat` shares
 * among all streams, keep proxies from timing it out.
 */
export function sseStream<Frames>(clientGone: AbortSignal, heartbeat: SseHeartbeat, open: (sink: SseSink<Frames>) => () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let finish = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let cleanup: (() => void) | null = null;
      const write = (text: string | Uint8Array) => {
        if (!closed) controller.enqueue(typeof text === 'string' ? encoder.encode(text) : text);
      };
      const stopBeating = heartbeat.join(() => write(HEARTBEAT_FRAME));
      finish = () => {
        if (closed) return;
        closed = true;
        stopBeating();
        clientGone.removeEventListener('abort', onGone);
        cleanup?.();
      };
      const onGone = () => {
        const wasOpen = !closed;
        finish();
        if (wasOpen) controller.close();
      };
      clientGone.addEventListener('abort', onGone, { once: true });
      write('retry: 2000\n\n');
      const sink: SseSink<Frames> = { send: (event, data, id) => write(sseFrame(event, data, id)), close: onGone };
      const dispose = open(sink);
      // The producer may have closed the stream while opening it.
      if (closed) dispose();
      else cleanup = dispose;
    },
    cancel() {
      finish();
    },
  });
}
