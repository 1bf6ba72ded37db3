import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { pollUntil } from './poll.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The built server: this test run's own build (see build-site.ts), else dist/ (for the benches). */
const ENTRY = path.join(process.env.RUNBOOK_LIVE_TEST_BUILD ?? path.join(ROOT, 'dist'), 'server/entry.mjs');

/** A built runbook-live server running as a child process. */
export interface RunningServer {
  url: string;
  port: number;
  /** The admin token it was started with (RUNBOOK_LIVE_TOKEN); null when the server made its own (pass `RUNBOOK_LIVE_TOKEN: ''`). */
  token: string | null;
  /** `Authorization: Bearer <admin token>`, plus any other headers given: for requests that change something. */
  authHeaders(extra?: Record<string, string>): Record<string, string>;
  process: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts the built server (this run's build, see build-site.ts) with the given environment and
 * waits until it answers. Schedules are off unless `env` says `RUNBOOK_LIVE_SCHEDULES: 'on'`. A server that exits or does not answer within 20 s fails the start
 * at once, with everything it printed; it is not tried again.
 */
export async function startServer(env: Record<string, string>, port?: number, options: { ready?: (status: number) => boolean } = {}): Promise<RunningServer> {
  const ready = options.ready ?? ((status: number) => status < 500);
  const chosen = port ?? (await freePort());
  let log = '';
  // Every server gets an admin token of its own unless the test asks the server to make one.
  const token = env.RUNBOOK_LIVE_TOKEN === '' ? null : (env.RUNBOOK_LIVE_TOKEN ?? `test-${randomBytes(16).toString('hex')}`);
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    // Schedules run within seconds of start-up, so a test server starts none unless its test is
    // about them and passes RUNBOOK_LIVE_SCHEDULES: 'on': the shipped docs' scheduled checks would
    // otherwise start runs of their own in the middle of unrelated tests.
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(chosen), ASTRO_TELEMETRY_DISABLED: '1', RUNBOOK_LIVE_SCHEDULES: 'off', ...env, RUNBOOK_LIVE_TOKEN: token ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${chosen}`;
  try {
    await pollUntil(
      () => `the server to listen on ${url}; it printed:\n${log}`,
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited with ${child.exitCode ?? child.signalCode} before listening:\n${log}`);
        // Not listening yet: the connection is refused.
        const response = await fetch(`${url}/healthz`).catch(() => null);
        return response !== null && ready(response.status);
      },
      { timeoutMs: 20_000 },
    );
  } catch (error) {
    // A server that did not come up is not left running behind the failed test.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    port: chosen,
    token,
    authHeaders: (extra = {}) => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra }),
    process: child,
    output: () => log,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/**
 * Loads every route module once, right after start: the server imports page chunks lazily,
 * so without this a test's first request to a route would also pay for loading its code.
 */
export async function warmUp(url: string, routes: string[]): Promise<void> {
  for (const route of routes) {
    const controller = new AbortController();
    const response = await fetch(`${url}${route}`, { signal: controller.signal });
    controller.abort();
    await response.body?.cancel().catch(() => {});
  }
}
