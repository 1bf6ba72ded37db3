const HEARTBEAT_MS = 15_000;

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
 * cancels. A retry hint opens the stream and comment heartbeats keep proxies from timing it out.
 */
export function sseStream<Frames>(clientGone: AbortSignal, open: (sink: SseSink<Frames>) => () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let finish = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let cleanup: (() => void) | null = null;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
      finish = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
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
