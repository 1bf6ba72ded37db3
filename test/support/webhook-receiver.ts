import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One request a scripted receiver got, with the raw body as it came off the wire. */
export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with; null for a request left hanging. */
  answered: number | null;
  at: number;
}

/** What the receiver does with the nth request: answer with a status (and text), or never answer. */
export type HookAnswer = number | { status: number; text?: string; headers?: Record<string, string> } | 'hang';

/** A real HTTP receiver on 127.0.0.1 whose answers a test scripts. */
export interface ScriptedReceiver {
  url: string;
  received: ReceivedHook[];
  close(): Promise<void>;
}

/**
 * Answers the nth POST with `script[n]`, and every later one with `then` (200 by default).
 * Every request is kept, answered or not, so a test can count exactly what was sent.
 */
export async function startScriptedReceiver(script: HookAnswer[] = [], then: HookAnswer = 200): Promise<ScriptedReceiver> {
  const received: ReceivedHook[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = script[received.length] ?? then;
      const hook: ReceivedHook = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answered: null, at: Date.now() };
      received.push(hook);
      if (answer === 'hang') return;
      reply(response, hook, answer);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function reply(response: ServerResponse, hook: ReceivedHook, answer: Exclude<HookAnswer, 'hang'>): void {
  const { status, text, headers } = typeof answer === 'number' ? { status: answer, text: undefined, headers: undefined } : answer;
  hook.answered = status;
  response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text ?? (status < 300 ? 'ok' : `status ${status}`));
}
