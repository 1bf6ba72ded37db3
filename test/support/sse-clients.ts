import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

// Many dashboard viewers at once, cheaply: a raw TCP socket each (fetch's pool would queue
// them, and node:http's response streams cost more than the server's writes), each frame split out by hand and its delay taken from the
// `emittedAt` the server stamps in it. Used by the live-viewers engine test and the
// `bench/sse-fanout.ts` client process.

/** Epoch milliseconds with sub-millisecond resolution (the server stamps whole `Date.now()` milliseconds). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** One dashboard frame as a client saw it. */
export interface Receipt {
  event: string;
  runId: string;
  /** Received minus the server's `emittedAt`, in ms. */
  delayMs: number;
}

/** `count` open connections to one event stream, every frame of each recorded. */
export class SseClientPool {
  readonly receipts: Receipt[] = [];
  private readonly sockets: Socket[] = [];
  private readonly seenBy = new Map<string, number>();
  private readonly closed: Promise<void>[] = [];
  private heartbeats = 0;

  private constructor() {}

  /** Opens `count` streams of `url` and resolves once every one has answered 200 and sent its opening frame. */
  static async open(url: string, count: number): Promise<SseClientPool> {
    const pool = new SseClientPool();
    const opened: Promise<void>[] = [];
    for (let i = 0; i < count; i++) opened.push(pool.connect(url));
    await Promise.all(opened);
    return pool;
  }

  /** How many clients have received `event` for `runId`. */
  seen(event: string, runId: string): number {
    return this.seenBy.get(`${event} ${runId}`) ?? 0;
  }

  /** Comment frames (heartbeats) received, over all clients. */
  get heartbeatCount(): number {
    return this.heartbeats;
  }

  /** Drops every connection and waits until each socket has closed on this side. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.closed);
  }

  private connect(url: string): Promise<void> {
    const { hostname, port, pathname } = new URL(url);
    return new Promise((resolve, reject) => {
      // A bare socket per viewer, as 500 browsers would have, and no HTTP client layer: the
      // response is scanned as it comes (a chunk-size line between frames does not matter,
      // as frames are found by their blank line and fields by name).
      const socket = connect({ host: hostname, port: Number(port) });
      socket.setNoDelay(true);
      let buffer = '';
      let opened = false;
      socket.on('connect', () => socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`));
      socket.on('data', (chunk: Buffer) => {
        const receivedAt = epochMs();
        // The fields read are ASCII; latin1 is the cheapest decoding that keeps offsets.
        buffer += chunk.toString('latin1');
        if (!opened) {
          if (!buffer.includes('\r\n\r\n')) return;
          if (!buffer.startsWith('HTTP/1.1 200')) {
            reject(new Error(`${url} answered ${buffer.slice(0, buffer.indexOf('\r\n'))}`));
            socket.destroy();
            return;
          }
        }
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!opened && frame.includes('retry:')) {
            opened = true;
            resolve();
          } else if (frame.endsWith(':')) this.heartbeats++;
          else if (frame.includes('event: ')) this.record(frame, receivedAt);
        }
      });
      this.closed.push(new Promise((done) => socket.on('close', () => done())));
      socket.on('error', (error) => {
        if (!opened) reject(error);
      });
      this.sockets.push(socket);
    });
  }

  private record(frame: string, receivedAt: number): void {
    const eventAt = frame.indexOf('event: ') + 7;
    const event = frame.slice(eventAt, frame.indexOf('\n', eventAt));
    const data = frame.slice(frame.indexOf('data: ', eventAt) + 6);
    // Run records begin with their id; anything else is read the slow way.
    const idAt = data.indexOf(RUN_ID_MARK);
    const emittedAtAt = data.lastIndexOf(EMITTED_AT_MARK);
    const parsed =
      idAt >= 0 && emittedAtAt >= 0
        ? { runId: data.slice(idAt + RUN_ID_MARK.length, data.indexOf('"', idAt + RUN_ID_MARK.length)), emittedAt: Number.parseFloat(data.slice(emittedAtAt + EMITTED_AT_MARK.length)) }
        : (({ run, emittedAt }: { run: { id: string }; emittedAt: number }) => ({ runId: run.id, emittedAt }))(JSON.parse(data));
    this.receipts.push({ event, runId: parsed.runId, delayMs: receivedAt - parsed.emittedAt });
    const key = `${event} ${parsed.runId}`;
    this.seenBy.set(key, (this.seenBy.get(key) ?? 0) + 1);
  }
}

const RUN_ID_MARK = '"run":{"id":"';
const EMITTED_AT_MARK = '"emittedAt":';

/** The live streams' gauges from the server's `/metrics`. */
export interface LiveStreamGauges {
  dashboardClients: number;
  streamsOpen: number;
  eventListeners: number;
}

/** Reads `/metrics` on a connection of its own that is closed after the answer, so the reading adds no handle to the server. */
export function liveStreamGauges(baseUrl: string): Promise<LiveStreamGauges> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/metrics`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const gauge = (name: string) => {
          const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(body);
          if (!match) return reject(new Error(`GET /metrics (${res.statusCode}) has no ${name}:\n${body.slice(-600)}`));
          return Number(match[1]);
        };
        const gauges = {
          dashboardClients: gauge('runbook_live_dashboard_stream_clients'),
          streamsOpen: gauge('runbook_live_run_streams_open'),
          eventListeners: gauge('runbook_live_run_event_listeners'),
        };
        if (Object.values(gauges).every((value) => typeof value === 'number')) resolve(gauges as LiveStreamGauges);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Open file descriptors (sockets included) of a process, from /proc. */
export function openHandles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
