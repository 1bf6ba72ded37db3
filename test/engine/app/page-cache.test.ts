import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer, warmUp, type RunningServer } from '../../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';
import { expectNothingLeftOfRuns } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';

// The response cache in front of rendering, against the built server: what an edit, a run
// and a sign-in do to cached answers, and what every cached answer still carries.
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef01';
const runbook = (id: string, title: string, body: string) => doc({ type: 'runbook', id, title, status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, body);
const CHECK = '```bash { name=ok check }\ndocker run --rm --network none python:3.13-slim python3 -c "print(\'fine\')"\n```\n';

let docs: TempDocs;
let work: string;
let server: RunningServer;
const runIds: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-page-cache-'));
  const sha = (token: string) => createHash('sha256').update(token).digest('hex');
  writeFileSync(
    path.join(work, 'systems.yaml'),
    `systems:\n  demo:\n    dir: ${JSON.stringify(work)}\nauth:\n  tokens:\n    - { name: alice, role: operator, sha256: ${sha(ALICE)} }\n    - { name: bob, role: viewer, sha256: ${sha(BOB)} }\n`,
  );
  docs = makeTempDocs();
  // A links to B; C stands alone and holds the check.
  docs.write('runbooks/runbook-cache-a.md', runbook('RUN-cache-a', 'Alpha', '# Alpha\n\nSee [the beta runbook](runbook-cache-b.md).\n'));
  docs.write('runbooks/runbook-cache-b.md', runbook('RUN-cache-b', 'Beta before', '# Beta\n\nNothing yet.\n'));
  docs.write('runbooks/runbook-cache-c.md', runbook('RUN-cache-c', 'Gamma', `# Gamma\n\n## Checks\n\n${CHECK}`));
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
  await warmUp(server.url, ['/', '/docs/RUN-cache-a', '/dashboard', '/api/checks', '/badge/RUN-cache-c/ok.svg', '/metrics']);
});

afterAll(async () => {
  await server?.stop();
  docs?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
  await expectNothingLeftOfRuns(runIds);
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One GET through node:http, so the bytes arrive as sent (fetch would decompress them). */
function get(route: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${route}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const text = (raw: Raw) => raw.body.toString('utf8');
const etagOf = async (route: string, headers: Record<string, string> = {}) => {
  const raw = await get(route, headers);
  expect(raw.status, route).toBe(200);
  return String(raw.headers.etag);
};

/** The session cookie a named token's sign-in link sets. */
async function signIn(token: string): Promise<string> {
  const raw = await get(`/?token=${token}`);
  expect(raw.status).toBe(303);
  const cookie = [raw.headers['set-cookie'] ?? []].flat()[0]!;
  return cookie.split(';')[0]!;
}

function expectSecurityHeaders(raw: Raw, what: string): void {
  expect(raw.headers['x-content-type-options'], what).toBe('nosniff');
  expect(raw.headers['x-frame-options'], what).toBe('DENY');
  expect(raw.headers['referrer-policy'], what).toBe('same-origin');
  expect(raw.headers['cache-control'], what).toBe('private, no-cache');
  expect(String(raw.headers['content-security-policy']), what).toMatch(/frame-ancestors 'none'/);
}

describe('the response cache', () => {
  it('answers an unchanged page 304 for its ETag, with the security headers and the page’s own CSP on both answers', async () => {
    const first = await get('/docs/RUN-cache-a');
    const second = await get('/docs/RUN-cache-a');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.body.equals(first.body)).toBe(true);
    expect(String(second.headers['content-security-policy'])).toMatch(/script-src 'self' 'sha256-/);
    const notModified = await get('/docs/RUN-cache-a', { 'if-none-match': String(first.headers.etag) });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.etag).toBe(first.headers.etag);
    for (const [what, raw] of [['cached 200', second], ['304', notModified]] as const) {
      expectSecurityHeaders(raw, what);
      expect(raw.headers['content-security-policy'], what).toBe(first.headers['content-security-policy']);
    }
    // The same through the middleware (a signed-in request is never answered before it).
    const cookie = await signIn(BOB);
    const signedIn = await get('/docs/RUN-cache-a', { cookie });
    const signed304 = await get('/docs/RUN-cache-a', { cookie, 'if-none-match': String(signedIn.headers.etag) });
    expect(signed304.status).toBe(304);
    expectSecurityHeaders(signed304, 'signed-in 304');
    expect((await get('/docs/RUN-cache-a', { 'if-none-match': 'W/"something-else"' })).status).toBe(200);
  });

  it('sends brotli or gzip when accepted, both decoding to the very bytes of the plain answer', async () => {
    for (const route of ['/', '/docs/RUN-cache-a', '/api/checks', '/metrics']) {
      const plain = await get(route);
      const br = await get(route, { 'accept-encoding': 'gzip, deflate, br' });
      const gzip = await get(route, { 'accept-encoding': 'gzip' });
      expect(plain.headers['content-encoding'], route).toBeUndefined();
      expect(br.headers['content-encoding'], route).toBe('br');
      expect(gzip.headers['content-encoding'], route).toBe('gzip');
      for (const raw of [plain, br, gzip]) expect(raw.headers.vary, route).toBe('accept-encoding');
      expect(brotliDecompressSync(br.body).equals(plain.body), route).toBe(true);
      expect(gunzipSync(gzip.body).equals(plain.body), route).toBe(true);
      expect(br.body.length, route).toBeLessThan(plain.body.length);
      expect(br.headers.etag).toBe(plain.headers.etag);
    }
    expect((await get('/docs/RUN-cache-a', { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
  });

  it('shows an edit on the very next request: the doc, its backlinks and the catalogue change, other pages keep their ETag', async () => {
    const routes = ['/docs/RUN-cache-a', '/docs/RUN-cache-b', '/docs/RUN-cache-c', '/'];
    const before = new Map<string, string>();
    for (const route of routes) before.set(route, await etagOf(route));
    for (const route of routes) expect(await etagOf(route), `${route} is cached`).toBe(before.get(route));

    docs.write('runbooks/runbook-cache-b.md', runbook('RUN-cache-b', 'Beta after', '# Beta\n\nEdited just now.\n'));
    const edited = await get('/docs/RUN-cache-b');
    expect(text(edited)).toContain('Edited just now.');
    expect(text(edited)).toContain('Beta after');
    const linking = await get('/docs/RUN-cache-a');
    expect(text(linking)).toContain('Beta after');
    expect(linking.headers.etag).not.toBe(before.get('/docs/RUN-cache-a'));
    const catalogue = await get('/');
    expect(text(catalogue)).toContain('Beta after');
    expect(catalogue.headers.etag).not.toBe(before.get('/'));
    expect(await etagOf('/docs/RUN-cache-c')).toBe(before.get('/docs/RUN-cache-c'));
    expect((await get('/docs/RUN-cache-c', { 'if-none-match': before.get('/docs/RUN-cache-c')! })).status).toBe(304);

    // A new doc and a removed one show at once too.
    docs.write('runbooks/runbook-cache-d.md', runbook('RUN-cache-d', 'Delta', '# Delta\n'));
    expect(text(await get('/'))).toContain('Delta');
    expect((await get('/docs/RUN-cache-d')).status).toBe(200);
    docs.remove('runbooks/runbook-cache-d.md');
    expect(text(await get('/'))).not.toContain('Delta');
    expect((await get('/docs/RUN-cache-d')).status).toBe(404);
  });

  it('changes the badge, the dashboard and the metrics when a run finishes, and only then', async () => {
    const before = await get('/badge/RUN-cache-c/ok.svg');
    expect(text(before)).toContain('never run');
    expect((await get('/badge/RUN-cache-c/ok.svg')).headers.etag).toBe(before.headers.etag);
    const metricsBefore = await get('/metrics');

    const rows = JSON.parse(text(await get('/api/checks'))) as { rows: Array<{ blockId: string; hash: string; target: string }> };
    const row = rows.rows.find((r) => r.blockId.startsWith('RUN-cache-c'))!;
    const started = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: server.authHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({ block: row.blockId, hash: row.hash, target: row.target }),
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    runIds.push(id);
    await pollUntil(`run ${id} to pass`, async () => (JSON.parse(text(await get(`/api/runs/${id}`))) as { status: string }).status === 'passed', { timeoutMs: 30_000, everyMs: 200 });

    const after = await get('/badge/RUN-cache-c/ok.svg');
    expect(text(after)).toContain('passing');
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(text(await get('/metrics'))).not.toBe(text(metricsBefore));
    const checks = JSON.parse(text(await get('/api/checks'))) as { rows: Array<{ blockId: string; status: string }> };
    expect(checks.rows.find((r) => r.blockId === row.blockId)?.status).toBe('passing');
  });

  it('sees a run the CLI stored in the same data folder on the next request, though no event reached the server', async () => {
    const before = JSON.parse(text(await get('/api/checks'))) as { rows: Array<{ blockId: string; lastRun: { id: string } | null }> };
    const row = before.rows.find((r) => r.blockId.startsWith('RUN-cache-c'))!;
    // Cached: the same answer twice.
    expect((await get('/api/checks')).headers.etag).toBe((await get('/api/checks')).headers.etag);
    const cli = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../../bin/runbook-live.mjs'), 'check', row.blockId, '--json'], {
        env: { ...process.env, DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml'), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    expect(cli.code, cli.output).toBe(0);
    const after = JSON.parse(text(await get('/api/checks'))) as { rows: Array<{ blockId: string; lastRun: { id: string; trigger: string } | null }> };
    const now = after.rows.find((r) => r.blockId === row.blockId)!;
    expect(now.lastRun?.id).not.toBe(row.lastRun?.id);
    expect(now.lastRun?.trigger).toBe('cli');
    runIds.push(now.lastRun!.id);
  });

  it('keys on the viewer: roles see their own controls, and nobody sees another’s name or CSRF token', async () => {
    const aliceCookie = await signIn(ALICE);
    const bobCookie = await signIn(BOB);
    const csrfOf = (html: string) => /<meta name="csrf-token" content="([^"]*)"/.exec(html)![1]!;
    // Each twice: the second answer comes from the cache.
    for (let round = 0; round < 2; round++) {
      const anonymous = text(await get('/docs/RUN-cache-c'));
      const alice = text(await get('/docs/RUN-cache-c', { cookie: aliceCookie }));
      const bob = text(await get('/docs/RUN-cache-c', { cookie: bobCookie }));
      const token = text(await get('/docs/RUN-cache-c', server.authHeaders()));
      expect(alice).toContain('alice (operator');
      expect(bob).toContain('bob (viewer');
      expect(anonymous).toContain('not signed in (viewer)');
      expect(token).toContain('admin (admin');
      expect(alice).not.toContain('data-operator-refusal');
      expect(bob).toContain('data-operator-refusal="Running needs the operator role; you are bob (viewer)"');
      expect(anonymous).toContain('data-operator-refusal="Running needs the operator role — sign in"');
      for (const [who, html] of Object.entries({ anonymous, bob, token })) expect(html, who).not.toContain('alice');
      for (const [who, html] of Object.entries({ anonymous, alice, token })) expect(html, who).not.toContain('bob (');
      const tokens = [anonymous, alice, bob].map(csrfOf);
      expect(new Set(tokens).size).toBe(3);
    }
    // A request the pipeline refuses is refused, cached page or not.
    expect((await get('/docs/RUN-cache-c', { authorization: 'Bearer not-a-token-anybody-holds' })).status).toBe(401);
    expect((await get('/docs/RUN-cache-c', { host: 'evil.example' })).status).toBe(421);
  });

  it('leaves streams and per-run pages uncached, and hashed assets long-lived', async () => {
    const runs = await get('/runs');
    expect(runs.headers.etag).toBeUndefined();
    const asset = readdirSync(path.join(process.env.RUNBOOK_LIVE_TEST_BUILD ?? 'dist', 'client', '_astro')).find((file) => file.endsWith('.js'))!;
    const served = await get(`/_astro/${asset}`);
    expect(served.status).toBe(200);
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});
