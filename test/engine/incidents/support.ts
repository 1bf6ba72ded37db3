import { startScriptedReceiver } from '../../support/webhook-receiver.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';
import { ROOT, type RunJson } from '../runs/harness.ts';
import { pollUntil } from '../../support/poll.ts';
import { DOCKER_SOCKET, pipeToEngine } from '../../support/engine-pipe.ts';

export const FIXTURES = path.join(ROOT, 'test/fixtures/incidents');
export const RUNNER_DIR = path.join(ROOT, 'examples/runner');
export { DOCKER_SOCKET };

/** An incident as `GET /api/incidents` lists it. */
export interface IncidentJson {
  id: string;
  blockId: string;
  docId: string;
  target: string;
  failureKind: string;
  assertion: string | null;
  status: 'open' | 'acknowledged' | 'resolved';
  section: { docId: string; anchor: string; title: string } | null;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  acknowledgedBy: string | null;
  failures: number;
  lastRunId: string;
  message: string | null;
}

/** One timeline entry. */
export interface IncidentEventJson {
  incidentId: string;
  seq: number;
  at: string;
  type: 'opened' | 'failed-again' | 'acknowledged' | 'note' | 'resolved' | 'auto-resolved';
  runId: string | null;
  actor: string | null;
  actorRole?: string | null;
  text: string | null;
  excerpt: string | null;
}

/** `GET /api/incidents/<id>`. */
export type IncidentDetailJson = IncidentJson & { timeline: IncidentEventJson[] };

/** One row of `GET /api/checks`. */
export interface CheckRowJson {
  key: string;
  blockId: string;
  target: string;
  status: string;
  reason: string | null;
  schedule: { everySeconds: number; label: string } | null;
  nextRunAt: string | null;
  skippedWhileRunning: number;
  openIncidents: number;
}

/** A docs folder, data folder and systems configuration in temp folders. */
export interface IncidentWorld {
  docs: TempDocs;
  dataDir: string;
  configFile: string;
  env: Record<string, string>;
  writeSystems(yaml: string): void;
  cleanup(): void;
}

/**
 * A temp docs folder (optionally a copy of the repository's `content/`) plus the given fixture
 * runbooks, an empty data folder and a systems configuration file.
 */
export function makeIncidentWorld(options: { copyContent: boolean; fixtures: string[]; systemsYaml: string }): IncidentWorld {
  const docs = makeTempDocs(options.copyContent ? path.join(ROOT, 'content') : undefined);
  for (const file of options.fixtures) docs.write(`runbooks/${file}`, readFileSync(path.join(FIXTURES, file), 'utf8'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-data-'));
  const configDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-systems-'));
  const configFile = path.join(configDir, 'runbook-live.yaml');
  writeFileSync(configFile, options.systemsYaml);
  return {
    docs,
    dataDir,
    configFile,
    env: { DOCS_DIR: docs.dir, DATA_DIR: dataDir, SYSTEMS_CONFIG: configFile },
    writeSystems: (yaml) => writeFileSync(configFile, yaml),
    cleanup() {
      docs.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status, `GET ${url}`).toBe(200);
  return (await response.json()) as T;
}

/** The incident and dashboard API of one server. */
export class IncidentsApi {
  base: string;
  /** Sent with every incident action and export. */
  readonly auth: Record<string, string>;

  /** Pass the server (its admin token signs the actions) or a base URL and the headers to sign them with. */
  constructor(server: string | { url: string; authHeaders(): Record<string, string> }, auth: Record<string, string> = {}) {
    this.base = typeof server === 'string' ? server : server.url;
    this.auth = { ...(typeof server === 'string' ? {} : server.authHeaders()), ...auth };
  }

  async list(query = ''): Promise<IncidentJson[]> {
    return (await getJson<{ incidents: IncidentJson[] }>(`${this.base}/api/incidents${query}`)).incidents;
  }

  async get(id: string): Promise<IncidentDetailJson> {
    return getJson<IncidentDetailJson>(`${this.base}/api/incidents/${id}`);
  }

  /** Waits for the incident whose timeline mentions this run (incident bookkeeping follows the run's end). */
  async forRun(runId: string, timeoutMs = 10_000): Promise<IncidentDetailJson> {
    return pollUntil(`an incident for run ${runId}`, async () => {
      for (const incident of await this.list()) {
        const detail = await this.get(incident.id);
        if (detail.timeline.some((event) => event.runId === runId)) return detail;
      }
      return undefined;
    }, { timeoutMs, everyMs: 150 });
  }

  async action(id: string, action: 'acknowledge' | 'note' | 'resolve', body: Record<string, unknown> = {}): Promise<{ status: number; body: IncidentDetailJson }> {
    const response = await fetch(`${this.base}/api/incidents/${id}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.auth },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as IncidentDetailJson };
  }

  async checks(): Promise<CheckRowJson[]> {
    return (await getJson<{ rows: CheckRowJson[] }>(`${this.base}/api/checks`)).rows;
  }

  async row(blockId: string, target: string): Promise<CheckRowJson> {
    const row = (await this.checks()).find((r) => r.blockId === blockId && r.target === target);
    if (!row) throw new Error(`no dashboard row for ${blockId} on ${target}`);
    return row;
  }

  async runsOf(blockId: string): Promise<Array<RunJson & { trigger: string }>> {
    return (await getJson<{ runs: Array<RunJson & { trigger: string }> }>(`${this.base}/api/runs?block=${encodeURIComponent(blockId)}&limit=500`)).runs;
  }

  async html(pathname: string): Promise<string> {
    const response = await fetch(`${this.base}${pathname}`);
    expect(response.status, `GET ${pathname}`).toBe(200);
    return response.text();
  }
}

/**
 * A unix socket at `socketPath` that pipes every connection to the real Docker socket: a
 * Docker host that can be switched on and off. `close()` drops open connections and removes
 * the socket file.
 */
export interface SocketProxy {
  connections: () => number;
  close(): Promise<void>;
}

export async function startSocketProxy(socketPath: string, upstream = DOCKER_SOCKET): Promise<SocketProxy> {
  const open = new Set<Socket>();
  let total = 0;
  const server = createNetServer((client) => {
    total += 1;
    pipeToEngine(client, open, upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    connections: () => total,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        open.clear();
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
      }),
  };
}

/** A webhook receiver on 127.0.0.1 that keeps every JSON body POSTed to it. */
export interface WebhookReceiver {
  url: string;
  received: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A receiver that answers every POST 204, with each body parsed (see test/support/webhook-receiver.ts). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripted = await startScriptedReceiver([], 204);
  const parse = (text: string): Record<string, unknown> => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { unparsable: text };
    }
  };
  return {
    url: scripted.url,
    // Read afresh each time: the scripted receiver keeps adding what arrives.
    get received() {
      return scripted.received.map((hook) => ({ path: hook.path, body: parse(hook.body) }));
    },
    close: () => scripted.close(),
  };
}

/** Routes the tests use, requested once at start (unknown ids answer 404, which is fine). */
function warmUpRoutes(docIds: string[]): Array<{ path: string; method: 'GET' | 'POST' }> {
  return [
    ...['/', '/health', '/healthz', '/incidents', '/incidents/INC-0', '/runs', '/api/checks', '/api/incidents', '/api/incidents/INC-0', '/api/incidents/INC-0/export.md', '/api/runs', '/api/runs/warm-up', '/api/docs']
      .map((path) => ({ path, method: 'GET' as const })),
    ...docIds.flatMap((id) => [`/docs/${id}`, `/api/docs/${id}`]).map((path) => ({ path, method: 'GET' as const })),
    { path: '/api/incidents/INC-0/note', method: 'POST' },
  ];
}

/**
 * `startServer`, then every route the tests use requested once, so a route that cannot load
 * fails the start now, loudly and with the server's output, rather than some test later.
 * There are no retries: each test run builds a server of its own (build-site.ts), so no other
 * run's build can rewrite it under a starting server, and a start that fails is a real failure.
 */
export async function startBuiltServer(env: Record<string, string>, options: { port?: number; docIds?: string[] } = {}): Promise<RunningServer> {
  const server = await startServer(env, options.port);
  try {
    for (const route of warmUpRoutes(options.docIds ?? [])) {
      const response = await fetch(`${server.url}${route.path}`, {
        method: route.method,
        headers: server.authHeaders(route.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...(route.method === 'POST' ? { body: '{"text":"warm-up"}' } : {}),
      });
      const text = await response.text();
      if (response.status >= 500) throw new Error(`${route.method} ${route.path} answered ${response.status} at start: ${text.slice(0, 500)}\nThe server printed:\n${server.output()}`);
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
