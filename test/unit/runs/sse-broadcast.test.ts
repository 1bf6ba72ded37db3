import { afterEach, describe, expect, it, vi } from 'vitest';
import { allRunsBroadcast } from '../../../src/lib/runs/all-runs-stream.ts';
import { RunEvents } from '../../../src/lib/runs/run-events.ts';
import { SseBroadcast } from '../../../src/lib/runs/sse-broadcast.ts';
import { SseHeartbeat } from '../../../src/lib/runs/sse-heartbeat.ts';
import { runRecord } from '../dashboard/fixtures.ts';

// The dashboard's shared stream: one listener on the bus for any number of clients, the same
// bytes to each, a shared heartbeat, and nothing left once the clients have gone.

const decoder = new TextDecoder();

/** A client of the stream: every chunk it has read so far, as text. */
function connect(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      chunks.push(value);
    }
  })();
  return { reader, chunks, done, text: () => chunks.map((chunk) => decoder.decode(chunk)).join('') };
}

/** Lets the readers' pending reads settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('allRunsBroadcast', () => {
  it('subscribes once for many clients, sends each the same encoded frame, and lets go with the last client', async () => {
    const events = new RunEvents();
    const heartbeat = new SseHeartbeat();
    const broadcast = allRunsBroadcast(events, heartbeat);
    const gone = Array.from({ length: 5 }, () => new AbortController());
    const clients = gone.map((controller) => connect(broadcast.stream(controller.signal)));

    expect(broadcast.clientCount).toBe(5);
    expect(events.listenerCount()).toBe(1);
    expect(heartbeat.size).toBe(5);
    expect(heartbeat.running).toBe(true);

    const before = Date.now();
    events.publish('r1', { type: 'started', run: { ...runRecord('r1'), status: 'running' } });
    events.publish('r1', { type: 'log', line: { runId: 'r1', seq: 1, stream: 'stdout', text: 'never on the dashboard', at: '' } });
    await settle();

    for (const client of clients) {
      expect(client.text().startsWith('retry: 2000\n\n')).toBe(true);
      const frames = client.text().split('\n\n').filter((frame) => frame.startsWith('event:'));
      expect(frames).toHaveLength(1);
      expect(frames[0]).toMatch(/^event: started\ndata: /);
      const data = JSON.parse(frames[0]!.split('\ndata: ')[1]!) as { key: string; emittedAt: number; run: Record<string, unknown> };
      expect(data.key).toBe('RUN-demo/probe@local');
      expect(data.emittedAt).toBeGreaterThanOrEqual(before);
      expect(data.run).not.toHaveProperty('blockSource');
    }
    // Serialized once: every client holds the very same bytes.
    expect(new Set(clients.map((client) => client.chunks[1])).size).toBe(1);

    gone[0]!.abort();
    await clients[0]!.done;
    expect(broadcast.clientCount).toBe(4);
    await clients[1]!.reader.cancel();
    expect(broadcast.clientCount).toBe(3);
    for (const controller of gone.slice(2)) controller.abort();
    await Promise.all(clients.slice(2).map((client) => client.done));

    expect(broadcast.clientCount).toBe(0);
    expect(broadcast.subscribed).toBe(false);
    expect(events.listenerCount()).toBe(0);
    expect(heartbeat.size).toBe(0);
    expect(heartbeat.running).toBe(false);
  });

  it('sends the frames of one burst to each client in one chunk, in order', async () => {
    const events = new RunEvents();
    const broadcast = allRunsBroadcast(events, new SseHeartbeat());
    const gone = new AbortController();
    const client = connect(broadcast.stream(gone.signal));
    events.publish('r1', { type: 'finished', run: { ...runRecord('r1'), status: 'passed' } });
    events.publish('r2', { type: 'started', run: { ...runRecord('r2', { target: 'remote' }), status: 'running' } });
    await settle();
    expect(client.chunks).toHaveLength(2);
    const burst = decoder.decode(client.chunks[1]);
    expect(burst.match(/^event: \w+$/gm)).toEqual(['event: finished', 'event: started']);
    expect(burst).toContain('"key":"RUN-demo/probe@remote"');
    gone.abort();
    await client.done;
  });

  it("sends a frame of the server's own (a maintenance window's start or end) to every client, and nothing with none connected", async () => {
    const events = new RunEvents();
    const broadcast = allRunsBroadcast(events, new SseHeartbeat());
    broadcast.send('maintenance', { emittedAt: 1 });
    const gone = [new AbortController(), new AbortController()];
    const clients = gone.map((controller) => connect(broadcast.stream(controller.signal)));
    broadcast.send('maintenance', { emittedAt: 2 });
    await settle();
    for (const client of clients) expect(client.text()).toBe('retry: 2000\n\nevent: maintenance\ndata: {"emittedAt":2}\n\n');
    for (const controller of gone) controller.abort();
    await Promise.all(clients.map((client) => client.done));
    expect(events.listenerCount()).toBe(0);
  });

  it('answers a client that is already gone with an empty stream and keeps nothing of it', async () => {
    const events = new RunEvents();
    const heartbeat = new SseHeartbeat();
    const broadcast = allRunsBroadcast(events, heartbeat);
    const controller = new AbortController();
    controller.abort();
    const client = connect(broadcast.stream(controller.signal));
    await client.done;
    expect(client.text()).toBe('');
    expect(broadcast.clientCount).toBe(0);
    expect(events.listenerCount()).toBe(0);
    expect(heartbeat.size).toBe(0);
  });
});

describe('SseHeartbeat', () => {
  it('beats every stream from one timer and stops the timer when the last stream leaves', async () => {
    vi.useFakeTimers();
    const heartbeat = new SseHeartbeat(1000);
    const events = new RunEvents();
    const broadcast = allRunsBroadcast(events, heartbeat);
    const gone = [new AbortController(), new AbortController()];
    const clients = gone.map((controller) => connect(broadcast.stream(controller.signal)));
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(2000);
    await vi.waitFor(() => expect(clients.every((client) => client.text() === 'retry: 2000\n\n:\n\n:\n\n')).toBe(true));

    for (const controller of gone) controller.abort();
    expect(vi.getTimerCount()).toBe(0);
    expect(heartbeat.running).toBe(false);
  });
});

describe('SseBroadcast', () => {
  it('drops a client that stopped reading once its backlog passes the limit, and keeps serving the others', async () => {
    const events = new RunEvents();
    const heartbeat = new SseHeartbeat();
    const broadcast = new SseBroadcast<{ started: { n: number; padding: string } }>((send) => events.subscribeAll((_id, event) => event.type === 'started' && send('started', { n: 1, padding: 'x'.repeat(1000) })), heartbeat, 8 * 1024);
    const reading = connect(broadcast.stream(new AbortController().signal));
    // Never read: its frames queue up in the server.
    const stalled = broadcast.stream(new AbortController().signal);
    expect(broadcast.clientCount).toBe(2);
    for (let i = 0; i < 40; i++) {
      events.publish(`r${i}`, { type: 'started', run: { ...runRecord(`r${i}`), status: 'running' } });
      await settle();
    }
    expect(broadcast.droppedCount).toBe(1);
    expect(broadcast.clientCount).toBe(1);
    expect(heartbeat.size).toBe(1);
    // The stalled stream is errored, not left open: a read rejects at once.
    await expect(stalled.getReader().read()).rejects.toThrow('stopped reading');
    // The reading client got every frame.
    expect(reading.text().match(/event: started/g)).toHaveLength(40);
    await reading.reader.cancel();
    expect(broadcast.clientCount).toBe(0);
  });
});
