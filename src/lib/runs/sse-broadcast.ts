import { HEARTBEAT_FRAME, type SseHeartbeat } from './sse-heartbeat.ts';
import { sseFrame } from './sse-stream.ts';

const encoder = new TextEncoder();
const OPENING_FRAME = encoder.encode('retry: 2000\n\n');

/**
 * Bytes a client may have waiting, unread, before it is dropped. A viewer whose connection
 * stalls (a laptop lid shut, a saturated link) would otherwise hold every later frame in the
 * server's memory; dropped, its browser reconnects after `retry` and the page refreshes its
 * rows, which is all a missed frame would have done. About a thousand frames.
 */
export const DEFAULT_CLIENT_BACKLOG_BYTES = 1024 * 1024;

/** What the upstream may do: hand over one frame for every client. */
export type BroadcastSend<Frames> = <Event extends keyof Frames & string>(event: Event, data: Frames[Event]) => void;

/**
 * One event stream shared by many clients (the dashboard's `/api/events`): a single upstream
 * subscription, each frame serialized and encoded once and the same bytes enqueued to every
 * client, instead of a listener and a JSON.stringify per client. The upstream is subscribed
 * while at least one client is connected and dropped with the last one, so the event bus is
 * back to its baseline once everyone has gone.
 */
export class SseBroadcast<Frames> {
  /** Each connected client's stream, with what makes it leave. */
  private readonly clients = new Map<ReadableStreamDefaultController<Uint8Array>, () => void>();
  private unsubscribe: (() => void) | null = null;
  private readonly pending: string[] = [];
  private readonly upstream: (send: BroadcastSend<Frames>) => () => void;
  private readonly heartbeat: SseHeartbeat;
  private readonly backlogBytes: number;
  private dropped = 0;

  /**
   * `upstream` subscribes to the source and returns its unsubscribe; `heartbeat` is the timer
   * shared with other streams; `backlogBytes` is how much unread output a client may have.
   */
  constructor(upstream: (send: BroadcastSend<Frames>) => () => void, heartbeat: SseHeartbeat, backlogBytes = DEFAULT_CLIENT_BACKLOG_BYTES) {
    this.upstream = upstream;
    this.heartbeat = heartbeat;
    this.backlogBytes = backlogBytes;
  }

  /** Clients dropped so far because they stopped reading. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** How many clients are connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Whether the upstream subscription is held (only while `clientCount` is above zero). */
  get subscribed(): boolean {
    return this.unsubscribe !== null;
  }

  /** A `text/event-stream` body for one more client, ended and forgotten when `clientGone` aborts or the reader cancels. */
  stream(clientGone: AbortSignal): ReadableStream<Uint8Array> {
    let leave = () => {};
    // Counted in bytes, so `desiredSize` says how far behind the reader is.
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        if (clientGone.aborted) {
          controller.close();
          return;
        }
        controller.enqueue(OPENING_FRAME);
        let left = false;
        const stopBeating = this.heartbeat.join(() => this.write(controller, HEARTBEAT_FRAME));
        const onGone = () => {
          leave();
          try {
            controller.close();
          } catch {
            // Already closed or cancelled by the reader.
          }
        };
        leave = () => {
          if (left) return;
          left = true;
          clientGone.removeEventListener('abort', onGone);
          stopBeating();
          this.clients.delete(controller);
          if (this.clients.size === 0) this.release();
        };
        clientGone.addEventListener('abort', onGone, { once: true });
        this.clients.set(controller, leave);
        this.unsubscribe ??= this.upstream((event, data) => this.broadcast(sseFrame(event, data)));
      },
      cancel: () => leave(),
    }, new ByteLengthQueuingStrategy({ highWaterMark: 16 * 1024 }));
  }

  /** Sends a frame of the server's own (not from the upstream) to every client connected now. */
  send<Event extends keyof Frames & string>(event: Event, data: Frames[Event]): void {
    if (this.clients.size > 0) this.broadcast(sseFrame(event, data));
  }

  /**
   * Frames published in one burst (a run finishing and the next one starting, a batch queued)
   * are sent together at the end of the current task: one write per client instead of one per
   * frame, as each write to a socket is a system call and those are most of a broadcast's cost.
   */
  private broadcast(frame: string): void {
    this.pending.push(frame);
    if (this.pending.length === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    const bytes = encoder.encode(this.pending.join(''));
    this.pending.length = 0;
    for (const controller of this.clients.keys()) this.write(controller, bytes);
  }

  private write(controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array): void {
    try {
      if ((controller.desiredSize ?? 0) < -this.backlogBytes) {
        // Too far behind: its queue is discarded with the stream, and its browser reconnects.
        this.dropped += 1;
        this.clients.get(controller)?.();
        controller.error(new Error('event stream client stopped reading'));
        return;
      }
      // The same bytes for every client: nobody writes into them after this.
      controller.enqueue(bytes);
    } catch {
      // The stream ended without telling us (its reader errored): it leaves like any other.
      this.clients.get(controller)?.();
    }
  }

  private release(): void {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    unsubscribe?.();
  }
}
