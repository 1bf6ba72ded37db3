import { readdirSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';

// Many dashboard viewers at once, cheaply: raw `node:http` requests without a connection pool
// (fetch's would queue them), each frame split out by hand and its delay taken from the
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
  private readonly requests: ClientRequest[] = [];
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
    for (const req of this.requests) req.destroy();
    await Promise.all(this.closed);
  }

  private connect(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      // agent: false gives each viewer its own socket, as 500 browsers would have.
      const req = request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`${url} answered ${res.statusCode}`));
          req.destroy();
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        let opened = false;
        res.on('data', (chunk: string) => {
          const receivedAt = epochMs();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!opened && frame.startsWith('retry:')) {
              opened = true;
              resolve();
            } else if (frame.startsWith(':')) this.heartbeats++;
            else this.record(frame, receivedAt);
          }
        });
        res.on('error', () => {});
      });
      this.closed.push(new Promise((done) => req.on('close', () => done())));
      req.on('error', (error) => reject(error));
      this.requests.push(req);
      req.end();
    });
  }

  private record(frame: string, receivedAt: number): void {
    let event = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    const parsed = JSON.parse(data) as { emittedAt: number; run: { id: string } };
    this.receipts.push({ event, runId: parsed.run.id, delayMs: receivedAt - parsed.emittedAt });
    const key = `${event} ${parsed.run.id}`;
    this.seenBy.set(key, (this.seenBy.get(key) ?? 0) + 1);
  }
}

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
