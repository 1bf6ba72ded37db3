import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, TestRunner, type RunnerTestCase } from 'vitest';
import { containersOfRuns, expectNothingLeftOfRuns } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** `test/fixtures/runs/system`: the build context folder of the test system. */
export const SYSTEM_DIR = path.join(ROOT, 'test/fixtures/runs/system');

/** The only base image there is: no registry is reachable. */
export const BASE_IMAGE = 'python:3.13-slim';

/** A short random suffix for tags and names. */
export function unique(): string {
  return randomUUID().slice(0, 8);
}

/** A temp docs folder, data folder and systems configuration for one test file. */
export interface RunsWorld {
  docs: TempDocs;
  dataDir: string;
  configFile: string;
  env: Record<string, string>;
  cleanup(): void;
}

/**
 * Makes the folders a server needs. `systemsYaml` is written as the SYSTEMS_CONFIG file;
 * `runbooks` maps a runbook file name (`runbook-x.md`) to its frontmatter-less body, and
 * each becomes doc `RUN-x` of system `system`.
 */
export function makeWorld(options: { systemsYaml: string; runbooks: Record<string, { system: string; body: string }> }): RunsWorld {
  const docs = makeTempDocs();
  for (const [file, { system, body }] of Object.entries(options.runbooks)) {
    docs.write(`runbooks/${file}`, runbook(file, system, body));
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-data-'));
  const configDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-systems-'));
  const configFile = path.join(configDir, 'runbook-live.yaml');
  writeFileSync(configFile, options.systemsYaml);
  return {
    docs,
    dataDir,
    configFile,
    env: { DOCS_DIR: docs.dir, DATA_DIR: dataDir, SYSTEMS_CONFIG: configFile },
    cleanup() {
      docs.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** A complete runbook file (frontmatter that passes the default contract, then `body`). */
export function runbook(file: string, system: string, body: string): string {
  const id = `RUN-${file.replace(/^runbook-/, '').replace(/\.md$/, '')}`;
  return doc({ type: 'runbook', id, title: `Test runbook ${id}`, status: 'active', owners: ['platform'], created: '2026-11-01', system }, body);
}

/** A ```bash block with Runme-style annotations. */
export function bash(annotations: string, source: string): string {
  return `\`\`\`bash { ${annotations} }\n${source}\n\`\`\`\n`;
}

/** A block as `GET /api/docs/<id>` lists it. */
export interface BlockJson {
  id: string;
  hash: string;
  name: string | null;
  /** procedure, check, or a declaration checks cite: fixture or schema. */
  kind: string;
  runnable: boolean;
  reason: string | null;
  steps: string[];
  variables: Array<{ name: string; default: string; kind: string }>;
  targets: string[];
  timeoutSeconds: number;
  source: string;
}

/** A run as `GET /api/runs/<id>` returns it. */
export interface RunJson {
  id: string;
  blockId: string;
  status: 'queued' | 'running' | 'passed' | 'failed' | 'errored' | 'cancelled' | 'interrupted';
  failureKind: string | null;
  message: string | null;
  exitCode: number | null;
  imageId: string | null;
  result: unknown;
  target: string;
  variables: Record<string, string>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  queuePosition: number | null;
  logs: Array<{ seq: number; stream: 'stdout' | 'stderr' | 'system'; text: string; at: string }>;
}

/** The `POST /api/runs` 202 body. */
export interface StartedJson {
  id: string;
  joined: boolean;
  status: RunJson['status'];
  url: string;
  events: string;
}

const FINAL = new Set(['passed', 'failed', 'errored', 'cancelled', 'interrupted']);

/** True once a run can no longer change. */
export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

/** One Server-Sent Event, with the moment it arrived here. */
export interface SseEvent {
  event: string;
  id: string | null;
  data: unknown;
  at: number;
}

/** Who started a run: the test it was started in, or the set-up (a `beforeAll`) outside any test. */
function currentOwner(): RunnerTestCase | null {
  return TestRunner.getCurrentTest() ?? null;
}

/**
 * The HTTP API of one server, keeping every run id it saw started, and by which test, so that
 * each test can check the engine for leftovers of exactly its own runs.
 */
export class RunsApi {
  readonly base: string;
  readonly runIds = new Set<string>();
  readonly #owners = new Map<string, RunnerTestCase | null>();
  /** Sent with every change: the server's admin token, or the one given. */
  readonly auth: Record<string, string>;

  /** Pass the server (its admin token signs the changes) or a base URL and the headers to sign them with. */
  constructor(server: string | { url: string; authHeaders(): Record<string, string> }, auth: Record<string, string> = {}) {
    this.base = typeof server === 'string' ? server : server.url;
    this.auth = { ...(typeof server === 'string' ? {} : server.authHeaders()), ...auth };
  }

  async blocks(docId: string): Promise<BlockJson[]> {
    const response = await fetch(`${this.base}/api/docs/${docId}`);
    expect(response.status, `GET /api/docs/${docId}`).toBe(200);
    return ((await response.json()) as { blocks: BlockJson[] }).blocks;
  }

  async block(blockId: string): Promise<BlockJson> {
    const found = (await this.blocks(blockId.split('/')[0] ?? '')).find((b) => b.id === blockId);
    if (!found) throw new Error(`no block ${blockId} in GET /api/docs`);
    return found;
  }

  /** POST /api/runs with any body and headers; the raw status and JSON body. */
  async post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.base}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.auth, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status === 202 && typeof json.id === 'string' && !this.runIds.has(json.id)) {
      this.runIds.add(json.id);
      this.#owners.set(json.id, currentOwner());
    }
    return { status: response.status, body: json };
  }

  /** Starts a run of a block with its current hash; expects 202. */
  async start(blockId: string, extra: { vars?: Record<string, string>; target?: string } = {}): Promise<StartedJson> {
    const block = await this.block(blockId);
    expect(block.runnable, `${blockId} runnable (${block.reason})`).toBe(true);
    const { status, body } = await this.post({ block: blockId, hash: block.hash, ...extra });
    expect(status, JSON.stringify(body)).toBe(202);
    return body as unknown as StartedJson;
  }

  async run(runId: string): Promise<RunJson> {
    const response = await fetch(`${this.base}/api/runs/${runId}`);
    expect(response.status, `GET /api/runs/${runId}`).toBe(200);
    return (await response.json()) as RunJson;
  }

  /**
   * POST /api/runs/<id>/cancel as curl would: a bodiless POST without an Origin header, with a bearer token.
   */
  async cancel(runId: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.base}/api/runs/${runId}/cancel`, { method: 'POST', headers: this.auth });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Polls the run until `done` holds; fails with the last state seen after `timeoutMs`. */
  async waitUntil(runId: string, done: (run: RunJson) => boolean, timeoutMs = 30_000): Promise<RunJson> {
    let last: RunJson | undefined;
    return pollUntil(
      () => `run ${runId} to reach the expected state; last: ${last?.status} ${last?.message ?? ''}`,
      async () => {
        last = await this.run(runId);
        return done(last) ? last : undefined;
      },
      { timeoutMs },
    );
  }

  waitFinished(runId: string, timeoutMs = 30_000): Promise<RunJson> {
    return this.waitUntil(runId, (run) => isFinal(run.status), timeoutMs);
  }

  /**
   * Reads `GET /api/runs/<id>/events` until the `finished` event (or `timeoutMs`), noting when
   * each event arrived.
   */
  async events(runId: string, options: { timeoutMs?: number; lastEventId?: number } = {}): Promise<SseEvent[]> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('SSE read timed out')), options.timeoutMs ?? 30_000);
    const events: SseEvent[] = [];
    try {
      const response = await fetch(`${this.base}/api/runs/${runId}/events`, {
        headers: { accept: 'text/event-stream', ...(options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {}) },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return events;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const parsed = parseFrame(frame);
          if (!parsed) continue;
          events.push({ ...parsed, at: performance.now() });
          if (parsed.event === 'finished') {
            await reader.cancel();
            return events;
          }
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Brings runs this API started to an end (cancelling any still going), then asserts that no
   * container or volume labelled with their run ids is left on the engine, naming the test that
   * started each. With `test` (in an afterEach: `({ task }) => api.expectNoLeftovers(task)`),
   * only the runs that test started; without, every run, set-up ones included (for afterAll).
   */
  async expectNoLeftovers(test?: RunnerTestCase): Promise<void> {
    const runIds = [...this.runIds].filter((id) => test === undefined || this.#owners.get(id) === test);
    for (const runId of runIds) {
      const response = await fetch(`${this.base}/api/runs/${runId}`).catch(() => null);
      if (!response || response.status !== 200) continue;
      const run = (await response.json()) as RunJson;
      if (!isFinal(run.status)) {
        await this.cancel(runId).catch(() => {});
        await this.waitFinished(runId, 15_000).catch(() => {});
      }
    }
    await expectNothingLeftOfRuns(runIds, (runId) => {
      const owner = this.#owners.get(runId);
      return owner ? `test "${owner.fullTestName}"` : 'the set-up (beforeAll)';
    });
  }
}

function parseFrame(frame: string): Omit<SseEvent, 'at'> | null {
  let event = 'message';
  let id: string | null = null;
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':') || line.startsWith('retry:')) continue;
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length === 0) return null;
  return { event, id, data: JSON.parse(data.join('\n')) };
}

/** Polls the engine until a container of this run exists and is running. */
export async function waitForRunningContainer(runId: string, timeoutMs = 15_000): Promise<void> {
  await pollUntil(`a running container labelled runbook-live.run-id=${runId}`, async () => (await containersOfRuns([runId])).some((c) => c.state === 'running'), { timeoutMs });
}
