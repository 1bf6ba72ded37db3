// A minimal Server-Sent Events reader for the run benchmarks: fetch with a streamed body,
// frames split on blank lines, each event handed over with the wall-clock time it arrived.
// For one reader at a time; the many-viewers bench (bench/sse-fanout.ts) uses the lighter
// socket-per-viewer pool in test/support/sse-clients.ts instead.

/** One SSE event as received. */
export interface SseEvent {
  event: string;
  data: string;
  /** `performance.timeOrigin + performance.now()` when the frame was parsed (epoch ms, fractional). */
  receivedAt: number;
}

/** Epoch milliseconds with sub-millisecond resolution (same clock as Date.now()). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Reads `url` as an event stream, calling `onEvent` for every event, until `onEvent` returns
 * true (the stream is then closed) or the server ends it.
 */
export async function readEvents(url: string, onEvent: (event: SseEvent) => boolean | void, signal?: AbortSignal): Promise<void> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    if (response.status !== 200 || !response.body) throw new Error(`${url} answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      const receivedAt = nowMs();
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length === 0) continue;
        if (onEvent({ event, data: data.join('\n'), receivedAt })) {
          controller.abort();
          return;
        }
      }
    }
  } catch (error) {
    if (controller.signal.aborted && !signal?.aborted) return;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
