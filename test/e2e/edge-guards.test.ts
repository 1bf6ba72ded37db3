import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, warmUp, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';
import { rawRequest, type RawResponse } from '../support/raw-http.ts';
import { containersOfRuns } from '../support/docker-leftovers.ts';
import { pollUntil } from '../support/poll.ts';

// Two blocks: `quick` on a target nobody listens on fails at once without an engine (the rate
// limit counts accepted starts, not finished ones); `slow` sleeps on the real engine, to fill a queue.
const BODY = [
  '## Quick',
  '',
  '```bash { name=quick }',
  'docker image inspect "local/python:$N"',
  '```',
  '',
  '## Slow',
  '',
  '```bash { name=slow }',
  'docker run --rm --network none -e "N=$N" local/python:3-bookworm python3 -c "import time; time.sleep(120)"',
  '```',
  '',
].join('\n');

let docs: TempDocs;
let work: string;
let server: RunningServer;
let queueServer: RunningServer;
let blocks: Map<string, string>;
const slowRuns: string[] = [];

// The rate limit is per actor, and the actor is who signed in: each actor of this file is a
// named operator token of its own.
const ACTORS = ['rate-test', 'someone-else', 'queue-test', 'headers-test', 'origin-test', 'chunked-test'];
const tokenOf = (actor: string) => `guards-${actor}-0123456789abcdef`;
const tokensYaml = ['auth:', '  tokens:', ...ACTORS.map((actor) => `    - { name: ${actor}, role: operator, sha256: ${createHash('sha256').update(tokenOf(actor)).digest('hex')} }`)].join('\n');

function systemsYaml(extra: string): string {
  return [
    tokensYaml,
    'targets:',
    '  local: { url: "unix:///var/run/docker.sock" }',
    '  nowhere: { url: "tcp://127.0.0.1:1" }',
    'systems:',
    '  demo:',
    `    dir: ${work}`,
    '    variables: { N: "0" }',
    '    targets: [nowhere, local]',
    extra,
  ].join('\n');
}

/**
 * Every run start in this file goes through here: once starting runs needs a signed-in
 * operator, the credentials go in these headers, in one place.
 */
function startRun(target: RunningServer, body: Record<string, unknown>, actor: string, route = '/api/runs'): Promise<Response> {
  return fetch(`${target.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf(actor)}` }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-guards-'));
  writeFileSync(path.join(work, 'systems.yaml'), systemsYaml('server:\n  allowed_hosts: [runbooks.test, "*.team.test"]\n'));
  writeFileSync(path.join(work, 'queue.yaml'), systemsYaml('runs: { concurrency: 1, queue_limit: 2 }\n'));
  docs = makeTempDocs();
  docs.write('runbooks/runbook-guards.md', doc({ type: 'runbook', id: 'RUN-guards', title: 'Guards', status: 'active', owners: 'qa', created: '2026-12-01', system: 'demo' }, BODY));
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
  queueServer = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'queue-data'), SYSTEMS_CONFIG: path.join(work, 'queue.yaml') });
  await warmUp(server.url, ['/', '/docs/RUN-guards', '/dashboard', '/health', '/api/runs']);
  const api = (await (await fetch(`${server.url}/api/docs/RUN-guards`)).json()) as { blocks: Array<{ id: string; hash: string }> };
  blocks = new Map(api.blocks.map((block) => [block.id, block.hash]));
});

afterAll(async () => {
  for (const id of slowRuns) await fetch(`${queueServer.url}/api/runs/${id}/cancel`, { method: 'POST', headers: queueServer.authHeaders() }).catch(() => {});
  if (slowRuns.length > 0) await pollUntil('the slow runs\' containers to be removed', async () => (await containersOfRuns(slowRuns)).length === 0, { timeoutMs: 30_000 });
  await server?.stop();
  await queueServer?.stop();
  docs?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The audit rows of refused run starts, read as the admin. */
async function refusedStarts(actor: string | null = null): Promise<Array<{ actor: string; status: number; detail: string | null }>> {
  const query = `action=run.start&outcome=refused${actor ? `&actor=${encodeURIComponent(actor)}` : ''}`;
  const response = await fetch(`${server.url}/api/audit?${query}`, { headers: server.authHeaders() });
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: Array<{ actor: string; status: number; detail: string | null }> }).entries;
}

const quick = (n: number) => ({ block: 'RUN-guards/quick', hash: blocks.get('RUN-guards/quick'), vars: { N: `v${n}` }, target: 'nowhere' });

/** The security headers every response must carry, whatever made it. */
function expectSecurityHeaders(what: string, headers: { get(name: string): string | null }): void {
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBe('same-origin');
  expect(headers.get('x-frame-options'), what).toBe('DENY');
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp, what).toContain("frame-ancestors 'none'");
  const scripts = /script-src[^;]*/.exec(csp)?.[0] ?? '';
  expect(scripts, what).not.toContain('unsafe-inline');
}

const rawHeaders = (response: RawResponse) => ({ get: (name: string) => { const value = response.headers[name]; return Array.isArray(value) ? value.join(', ') : (value ?? null); } });

describe('allowed hosts', () => {
  it('refuses a foreign Host with 421 before doing anything: a page, the API and a POST', async () => {
    const page = await rawRequest(`${server.url}/docs/RUN-guards`, { headers: { host: `evil.example:${server.port}`, accept: 'text/html' } });
    expect(page.status).toBe(421);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain(`does not answer to the host &apos;evil.example:${server.port}&apos;`);
    const api = await rawRequest(`${server.url}/api/docs`, { headers: { host: `evil.example:${server.port}` } });
    expect(api.status).toBe(421);
    expect(JSON.parse(api.body)).toMatchObject({ code: 'MisdirectedRequest' });
    expect(JSON.parse(api.body).message).toContain('server.allowed_hosts');
    const post = await rawRequest(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { host: `evil.example:${server.port}`, origin: `http://evil.example:${server.port}`, 'content-type': 'application/json' },
      body: JSON.stringify(quick(0)),
    });
    expect(post.status).toBe(421);
    expectSecurityHeaders('421', rawHeaders(post));
    const runs = (await (await fetch(`${server.url}/api/runs?block=RUN-guards/quick`)).json()) as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  });

  it('answers loopback names and configured hosts', async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, 'runbooks.test', `ops.team.test:${server.port}`]) {
      expect((await rawRequest(`${server.url}/api/docs`, { headers: { host } })).status, host).toBe(200);
    }
    expect((await rawRequest(`${server.url}/api/docs`, { headers: { host: 'team.test' } })).status).toBe(421);
  });
});

describe('the Origin check', () => {
  it('refuses a POST from a foreign Origin with 403 even when the Host is allowed', async () => {
    const refused = await rawRequest(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${server.port}`, origin: `http://evil.example:${server.port}`, 'content-type': 'application/json' },
      body: JSON.stringify(quick(0)),
    });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ code: 'CrossOriginRefused', message: `Requests that change state must come from http://127.0.0.1:${server.port}; this one came from http://evil.example:${server.port}.` });
    expectSecurityHeaders('403', rawHeaders(refused));
    // Another allowed host is still another origin.
    const sibling = await rawRequest(`${server.url}/api/runs`, { method: 'POST', headers: { host: `127.0.0.1:${server.port}`, origin: `http://localhost:${server.port}`, 'content-type': 'application/json' }, body: '{}' });
    expect(sibling.status).toBe(403);
    // Both attempts are in the audit log, with the origin that was refused.
    const rows = (await refusedStarts()).filter((row) => row.status === 403 && row.detail?.startsWith('refused for its origin'));
    expect(rows.map((row) => row.detail).sort()).toEqual([`refused for its origin (http://evil.example:${server.port})`, `refused for its origin (http://localhost:${server.port})`]);
  });

  it('lets the same origin through to the route', async () => {
    const same = await rawRequest(`${server.url}/api/runs`, { method: 'POST', headers: { host: `runbooks.test`, origin: 'http://runbooks.test', 'content-type': 'application/json', authorization: `Bearer ${tokenOf('origin-test')}` }, body: JSON.stringify({ block: 'RUN-guards/none', hash: '0000000000000000' }) });
    expect(same.status).toBe(404);
    expect(JSON.parse(same.body)).toMatchObject({ code: 'BlockNotFound' });
  });
});

describe('request body caps', () => {
  const mebibyte = JSON.stringify({ block: 'RUN-guards/quick', padding: 'x'.repeat(1024 * 1024) });

  it('refuses a 1 MiB body declared by Content-Length with 413', async () => {
    const response = await rawRequest(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(mebibyte)) }, body: mebibyte });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({ code: 'PayloadTooLarge', message: 'The request body is larger than 65536 bytes, the limit (server.body_limit_bytes in runbook-live.yaml).' });
    expectSecurityHeaders('413', rawHeaders(response));
    expect((await refusedStarts()).filter((row) => row.status === 413)).toHaveLength(1);
  });

  it('refuses a 1 MiB chunked body with 413 while reading it', async () => {
    const buffer = Buffer.from(mebibyte);
    const chunks = Array.from({ length: Math.ceil(buffer.length / 16_384) }, (_, i) => buffer.subarray(i * 16_384, (i + 1) * 16_384));
    const response = await rawRequest(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: `Bearer ${tokenOf('chunked-test')}` }, chunks });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'PayloadTooLarge' });
  });
});

describe('run-start limits', () => {
  it('answers the 31st accepted start in a minute with 429 and an accurate Retry-After', async () => {
    // A refused request is not a start.
    expect((await startRun(server, { ...quick(0), hash: '0000000000000000' }, 'rate-test')).status).toBe(409);
    const started = Date.now();
    for (let n = 1; n <= 30; n++) {
      const response = await startRun(server, quick(n), 'rate-test');
      expect(response.status, `start ${n}`).toBe(202);
    }
    const limited = await startRun(server, quick(31), 'rate-test');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    const elapsed = (Date.now() - started) / 1000;
    expect(retryAfter).toBeGreaterThanOrEqual(Math.floor(60 - elapsed) - 1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({ code: 'RateLimited', message: `rate-test started 30 runs in the last 60 s, the limit (runs.start_rate_per_minute in runbook-live.yaml). Try again in ${retryAfter} s.` });
    expectSecurityHeaders('429', limited.headers);
    expect((await refusedStarts('rate-test')).filter((row) => row.status === 429)).toHaveLength(1);
    // The same limit covers runbook runs and Run all; another actor is not affected.
    expect((await startRun(server, { doc: 'RUN-guards', hash: 'x' }, 'rate-test', '/api/runbook-runs')).status).toBe(429);
    expect((await startRun(server, {}, 'rate-test', '/api/checks/run-all')).status).toBe(429);
    expect((await startRun(server, quick(32), 'someone-else')).status).toBe(202);
  });

  it('answers a start that would queue past runs.queue_limit with 429', async () => {
    const slow = (n: number) => ({ block: 'RUN-guards/slow', hash: blocks.get('RUN-guards/slow'), vars: { N: `q${n}` }, target: 'local' });
    for (let n = 1; n <= 3; n++) {
      const response = await startRun(queueServer, slow(n), 'queue-test');
      expect(response.status, `slow ${n}`).toBe(202);
      slowRuns.push(((await response.json()) as { id: string }).id);
    }
    // One runs (concurrency 1), two wait: the queue is full.
    const full = await startRun(queueServer, slow(4), 'queue-test');
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('10');
    expect(await full.json()).toEqual({ code: 'QueueFull', message: '2 runs are already waiting (1 running), the limit (runs.queue_limit in runbook-live.yaml). Try again when some have finished.' });
    // Joining a run already queued adds nothing, so it is still allowed.
    const join = await startRun(queueServer, slow(3), 'queue-test');
    expect(join.status).toBe(202);
    expect(await join.json()).toMatchObject({ id: slowRuns[2], joined: true });
    expect((await startRun(queueServer, {}, 'queue-test', '/api/checks/run-all')).status).toBe(429);
  });
});

describe('security headers', () => {
  it('are on every page, API answer, stream and static file', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const asset = /\/_astro\/[^"]+\.js/.exec(await (await fetch(`${server.url}/docs/RUN-guards`)).text())?.[0];
    expect(asset, 'the doc page loads a script bundle').toBeDefined();
    expect(html).toContain('runbook-live');
    const run = (await (await startRun(server, quick(100), 'headers-test')).json()) as { id: string };
    const cases: Array<[string, string]> = [
      ['/', 'private, no-cache'],
      ['/docs/RUN-guards', 'private, no-cache'],
      ['/dashboard', 'private, no-cache'],
      ['/health', 'private, no-cache'],
      ['/no-such-page', 'private, no-cache'],
      ['/api/runs', 'private, no-cache'],
      ['/api/no-such-doc', 'private, no-cache'],
      ['/healthz', 'private, no-cache'],
      [`/api/runs/${run.id}/events`, 'no-store'],
      ['/styles.css', ''],
      [asset!, 'public, max-age=31536000, immutable'],
    ];
    for (const [route, cache] of cases) {
      const controller = new AbortController();
      const response = await fetch(`${server.url}${route}`, { signal: controller.signal, headers: { accept: 'text/html' } });
      expectSecurityHeaders(route, response.headers);
      if (cache) expect(response.headers.get('cache-control'), route).toBe(cache);
      controller.abort();
      await response.body?.cancel().catch(() => {});
    }
    const page = await fetch(`${server.url}/docs/RUN-guards`);
    const csp = page.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "img-src 'self' data:", "connect-src 'self'"]) expect(csp).toContain(directive);
    expect(csp).toMatch(/script-src 'self'( 'sha256-[^']+')*;/);
  });

  it('are on the 503 a server that cannot start answers with', async () => {
    const notAFolder = path.join(work, 'data-is-a-file');
    writeFileSync(notAFolder, 'not a folder');
    const broken = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: notAFolder, SYSTEMS_CONFIG: path.join(work, 'systems.yaml') }, undefined, { ready: () => true });
    try {
      const response = await fetch(`${broken.url}/api/runs`);
      expect(response.status).toBe(503);
      expectSecurityHeaders('503', response.headers);
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
    } finally {
      await broken.stop();
    }
  });
});
