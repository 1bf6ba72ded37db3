import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { hashToken, newSession, signSession } from '../../src/lib/auth/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { pollUntil } from '../support/poll.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';

const OPERATOR_TOKEN = 'operator-token-for-tests-0001';
const VIEWER_TOKEN = 'viewer-token-for-tests-00001';
const HELLO = ['```bash { name=hello }', `docker run --rm --network none python:3.13-slim python3 -c "print('hello')"`, '```'].join('\n');

let docs: TempDocs;
let work: string;
let server: RunningServer;
let untrusting: RunningServer;
let adminToken: string;
let signInUrl: string;
let browser: Browser;

function systemsYaml(trusted: string): string {
  return `systems:
  demo:
    dir: ${work}
auth:
  tokens:
    - { name: ci-operator, role: operator, sha256: ${hashToken(OPERATOR_TOKEN)} }
    - { name: viewer-bot, role: viewer, sha256: ${hashToken(VIEWER_TOKEN)} }
  trusted_proxies: [${trusted}]
  users: { alice: viewer }
  groups: { sre: operator }
`;
}

async function hash(): Promise<string> {
  const response = await fetch(`${server.url}/api/docs/RUN-auth`);
  return ((await response.json()) as { blocks: { id: string; hash: string }[] }).blocks.find((b) => b.id === 'RUN-auth/hello')!.hash;
}

/** POST /api/runs for the hello block with the given headers. */
async function startHello(headers: Record<string, string>, base = server.url): Promise<{ status: number; body: { code?: string; message?: string; id?: string } }> {
  const response = await fetch(`${base}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ block: 'RUN-auth/hello', hash: await hash() }) });
  return { status: response.status, body: (await response.json()) as { code?: string; message?: string; id?: string } };
}

/** Signs in through the token URL without a browser; the cookie and the CSRF token its pages carry. */
async function cookieSession(token: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${server.url}/docs/RUN-auth?token=${token}`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/docs/RUN-auth');
  const setCookie = response.headers.getSetCookie()[0]!;
  expect(setCookie).toMatch(/^runbook_live_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  const cookie = setCookie.split(';')[0]!;
  return { cookie, csrf: await csrfOf({ cookie }) };
}

async function csrfOf(headers: Record<string, string>): Promise<string> {
  const html = await (await fetch(`${server.url}/docs/RUN-auth`, { headers })).text();
  return /<meta name="csrf-token" content="([^"]*)"/.exec(html)![1]!;
}

async function audit(query: string): Promise<{ actor: string; role: string | null; action: string; outcome: string; status: number; target: string; detail: string | null }[]> {
  const response = await fetch(`${server.url}/api/audit?${query}`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: [] }).entries;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-auth-'));
  writeFileSync(path.join(work, 'systems.yaml'), systemsYaml('127.0.0.1'));
  writeFileSync(path.join(work, 'untrusting.yaml'), systemsYaml('10.9.9.9'));
  docs = makeTempDocs();
  docs.write('runbooks/runbook-auth.md', doc({ type: 'runbook', id: 'RUN-auth', title: 'Auth', status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, `## Hello\n\n${HELLO}\n`));
  // No RUNBOOK_LIVE_TOKEN: the server makes its own and prints the sign-in URL, as `npm start` does.
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml'), RUNBOOK_LIVE_TOKEN: '' });
  untrusting = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data-2'), SYSTEMS_CONFIG: path.join(work, 'untrusting.yaml') });
  signInUrl = await pollUntil('the sign-in URL on stdout', async () => /sign in as admin at (http:\/\/127\.0\.0\.1:\d+\/\?token=(\S+))/.exec(server.output())?.[1]);
  adminToken = new URL(signInUrl).searchParams.get('token')!;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await untrusting?.stop();
  docs?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('sign-in and roles over HTTP', () => {
  it('prints the sign-in URL when it starts listening, before any request', () => {
    expect(signInUrl).toBe(`${server.url}/?token=${adminToken}`);
    expect(adminToken).toMatch(/^rl_[\w-]{40,}$/);
  });

  it('answers a change without credentials 401, a viewer 403 naming the role, an operator token 202', async () => {
    const anonymous = await startHello({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('SignInRequired');
    const viewer = await startHello({ authorization: `Bearer ${VIEWER_TOKEN}` });
    expect(viewer).toEqual({ status: 403, body: { code: 'RoleRequired', message: 'Starting runs needs the operator role; you are signed in as viewer-bot (viewer).' } });
    const operator = await startHello({ authorization: `Bearer ${OPERATOR_TOKEN}` });
    expect(operator.status, JSON.stringify(operator.body)).toBe(202);
    const unknown = await startHello({ authorization: 'Bearer not-a-token-anyone-has' });
    expect(unknown).toMatchObject({ status: 401, body: { code: 'InvalidToken' } });
    // Viewers still read everything a viewer may.
    expect((await fetch(`${server.url}/runs`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${server.url}/runs`)).status).toBe(200);
  });

  it('needs the session CSRF token for a change made with the cookie', async () => {
    const { cookie, csrf } = await cookieSession(OPERATOR_TOKEN);
    expect(csrf.length).toBeGreaterThan(16);
    expect(await startHello({ cookie })).toMatchObject({ status: 403, body: { code: 'CsrfTokenInvalid' } });
    expect(await startHello({ cookie, 'x-csrf-token': `${csrf}x` })).toMatchObject({ status: 403, body: { code: 'CsrfTokenInvalid' } });
    const accepted = await startHello({ cookie, 'x-csrf-token': csrf });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  });

  it('refuses a tampered or expired cookie with 401', async () => {
    const { cookie, csrf } = await cookieSession(adminToken);
    const [name, value] = cookie.split('=') as [string, string];
    const [body, signature] = value.split('.') as [string, string];
    const tampered = `${name}=${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await startHello({ cookie: tampered, 'x-csrf-token': csrf })).toMatchObject({ status: 401, body: { code: 'SignInRequired' } });
    // Signed with the server's own key, but already expired.
    const key = Buffer.from(readFileSync(path.join(work, 'data', 'session-key'), 'utf8').trim(), 'hex');
    const expired = { ...newSession('admin', 'admin', Date.now() - 7_200_000, 3_600_000), csrf };
    const refused = await startHello({ cookie: `${name}=${signSession(expired, key)}`, 'x-csrf-token': csrf });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/^Your session expired\. Starting runs needs the operator role/);
  });

  it('believes proxy headers from a trusted proxy only', async () => {
    const sre = { 'x-forwarded-user': 'sam', 'x-forwarded-groups': 'web,sre' };
    const page = await (await fetch(`${server.url}/`, { headers: sre })).text();
    expect(page).toContain('sam (operator, via sign-in proxy)');
    const started = await startHello({ ...sre, 'x-csrf-token': await csrfOf(sre) });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(await (await fetch(`${server.url}/`, { headers: { 'x-forwarded-user': 'alice' } })).text()).toContain('alice (viewer, via sign-in proxy)');
    // The same headers from an address the second server does not trust are ignored.
    expect(await (await fetch(`${untrusting.url}/`, { headers: sre })).text()).toContain('not signed in (viewer)');
    expect((await startHello(sre, untrusting.url)).status).toBe(401);
  });
});

describe('the audit log', () => {
  it('writes one row per attempt, refused ones included, with actor and role', async () => {
    const before = await audit('actor=viewer-bot&action=run.start');
    await startHello({ authorization: `Bearer ${VIEWER_TOKEN}` });
    const after = await audit('actor=viewer-bot&action=run.start');
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ actor: 'viewer-bot', role: 'viewer', action: 'run.start', outcome: 'refused', status: 403 });
    const operator = await audit('actor=ci-operator&action=run.start&outcome=allowed');
    expect(operator[0]).toMatchObject({ actor: 'ci-operator', role: 'operator', outcome: 'allowed', status: 202, target: 'RUN-auth/hello' });
    expect(operator[0]!.detail).toMatch(/^run [0-9a-f-]{36}/);
    expect((await audit('action=run.start&outcome=refused&actor=ci-operator')).map((e) => e.detail)).toContain('CSRF token missing or wrong');
    expect((await audit('action=run.start&actor=sam'))[0]).toMatchObject({ role: 'operator', outcome: 'allowed' });
    const signIns = await audit('action=auth.sign-in');
    expect(signIns.map((e) => [e.actor, e.outcome])).toEqual(expect.arrayContaining([['ci-operator', 'allowed'], ['admin', 'allowed']]));
    expect((await audit('action=run.start&outcome=refused')).some((e) => e.actor === 'anonymous@127.0.0.1' && e.status === 401)).toBe(true);
  });

  it('is served to admins only, as JSON or JSON lines', async () => {
    const asOperator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    expect((await fetch(`${server.url}/api/audit`, { headers: asOperator })).status).toBe(403);
    expect((await fetch(`${server.url}/audit`, { headers: asOperator })).status).toBe(403);
    const page = await fetch(`${server.url}/audit?action=run.start`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('viewer-bot');
    const lines = await fetch(`${server.url}/api/audit?format=jsonl&action=run.start`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(lines.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const text = await lines.text();
    const entries = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { action: string });
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.every((entry) => entry.action === 'run.start')).toBe(true);
    expect((await fetch(`${server.url}/api/audit?outcome=maybe`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(400);
  });
});

describe('in the browser', () => {
  it('signs in through the printed URL, drops the token from the address bar, and runs a block', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(signInUrl);
    expect(page.url()).toBe(`${server.url}/`);
    expect(await page.locator('.session-who').textContent()).toBe('admin (admin, via sign-in link)');
    await page.goto(`${server.url}/docs/RUN-auth`);
    const block = page.locator('[data-block-id="RUN-auth/hello"]');
    await block.locator('.run-button').click();
    await block.locator('.run-state[data-status="passed"]').waitFor({ timeout: 30_000 });
    expect(await block.locator('.run-output .log-stdout').allTextContents()).toEqual(['hello\n']);
    await page.locator('#sign-out').click();
    await page.waitForURL(`${server.url}/`);
    await page.locator('.session-who', { hasText: 'not signed in' }).waitFor();
    await context.close();
  });

  it('shows a styled sign-in page for a wrong token, whose form signs in under the CSP', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) blocked.push(message.text());
    });
    const refused = await page.goto(`${server.url}/?token=not-a-token-anyone-has`);
    expect(refused?.status()).toBe(401);
    // The site's stylesheet applied: the page is not the browser's unstyled default.
    await pollUntil('the sign-in page to be styled', async () => (await page.evaluate(() => getComputedStyle(document.body).fontFamily)).includes('system-ui'));
    await page.locator('input[name="token"]').fill(adminToken);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${server.url}/`);
    expect(await page.locator('.session-who').textContent()).toBe('admin (admin, via sign-in link)');
    expect(blocked).toEqual([]);
    await context.close();
  });

  it('shows a viewer the Run button disabled, with the reason', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/docs/RUN-auth?token=${VIEWER_TOKEN}`);
    expect(page.url()).toBe(`${server.url}/docs/RUN-auth`);
    const block = page.locator('[data-block-id="RUN-auth/hello"]');
    expect(await block.locator('.run-button').isDisabled()).toBe(true);
    expect(await block.locator('.role-note').textContent()).toBe('Running needs the operator role; you are viewer-bot (viewer)');
    await context.close();
  });
});
