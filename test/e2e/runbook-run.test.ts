import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signIn } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';
import { expectNothingLeftOfRuns } from '../support/docker-leftovers.ts';

// "Run runbook" in a real browser against the built server and the real engine: a runbook of
// three container steps (the first takes a few seconds, so it is seen running while the next
// waits), a manual step between them, and a runbook whose first step outlasts the test, to cancel.

const step = (name: string, code: string) => ['```bash { name=' + name + ' }', `docker run --rm --network none python:3.13-slim python3 -u -c "${code}"`, '```'].join('\n');
const BODY = [
  '## Warm up',
  step('warm-up', "import time; print('warming', flush=True); time.sleep(3); print('warm')"),
  '## By hand',
  '```bash\nssh prod "uptime"\n```',
  '## Greet',
  step('greet', "print('hello')"),
  '## Check',
  step('check', "print('checked')"),
  '',
].join('\n');
const BROKEN = ['## Fails', step('fails', "print('about to fail'); raise SystemExit(3)"), '## After', step('after', "print('never')"), ''].join('\n');
const LONG = ['## Long', step('long', 'import time; time.sleep(120)'), '## After', step('after', "print('never')"), ''].join('\n');

let docs: TempDocs;
let work: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const runIds: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-runbook-'));
  writeFileSync(path.join(work, 'systems.yaml'), `systems:\n  demo:\n    dir: ${work}\n`);
  docs = makeTempDocs();
  const meta = { type: 'runbook', status: 'active', owners: 'qa', created: '2026-12-01', system: 'demo' };
  docs.write('runbooks/runbook-demo.md', doc({ ...meta, id: 'RUN-demo', title: 'Demo runbook' }, BODY));
  docs.write('runbooks/runbook-long.md', doc({ ...meta, id: 'RUN-long', title: 'Long runbook' }, LONG));
  docs.write('runbooks/runbook-broken.md', doc({ ...meta, id: 'RUN-broken', title: 'Broken runbook' }, BROKEN));
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
  browser = await launchBrowser();
  page = await browser.newPage();
  // Running needs the operator role: the page signs in as admin through the sign-in URL.
  await signIn(page, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  docs?.cleanup();
  rmSync(work, { recursive: true, force: true });
  await expectNothingLeftOfRuns(runIds, 'runbook-run.test.ts');
});

const stepItem = (blockId: string) => page.locator(`.runbook-step[data-block-id="${blockId}"]`);
const statusOf = async (blockId: string) => stepItem(blockId).getAttribute('data-status');

describe('Run runbook', () => {
  it('shows the steps advance live on the permalink page, and the timeline is the same after a reload', async () => {
    await page.goto(`${server.url}/docs/RUN-demo`);
    expect(await page.locator('.runbook-bar').textContent()).toContain('3 of 4 steps run here');
    await page.locator('.runbook-run-button').click();
    await page.waitForURL(/\/runbook-runs\/[0-9a-f-]{36}$/);
    const url = page.url();

    // The first step is running while the ones after it still wait: the page follows it live.
    await stepItem('RUN-demo/warm-up').locator('.step-status[data-status="running"]').waitFor({ timeout: 20_000 });
    expect(await statusOf('RUN-demo/greet')).toBe('pending');
    expect(await statusOf('RUN-demo/check')).toBe('pending');
    expect(await statusOf('RUN-demo/by-hand-1')).toBe('skipped');
    expect(await stepItem('RUN-demo/by-hand-1').locator('.step-reason').textContent()).toMatch(/^manual step: line 1: ssh is not supported/);

    await page.locator('#runbook-status[data-status="passed"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.runbook-step').evaluateAll((items) => items.map((i) => `${i.getAttribute('data-block-id')}:${i.getAttribute('data-status')}`))).toEqual([
      'RUN-demo/warm-up:passed',
      'RUN-demo/by-hand-1:skipped',
      'RUN-demo/greet:passed',
      'RUN-demo/check:passed',
    ]);
    const liveLinks = await page.locator('.step-run:not([hidden])').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(liveLinks).toHaveLength(3);
    runIds.push(...liveLinks.map((href) => href!.split('/').pop()!));

    await page.reload();
    expect(page.url()).toBe(url);
    expect(await page.locator('#runbook-status').textContent()).toBe('passed');
    expect(await page.locator('.runbook-step').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')))).toEqual(['passed', 'skipped', 'passed', 'passed']);
    expect(await page.locator('.step-run:not([hidden])').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(liveLinks);

    // Each step links to its own run page.
    await stepItem('RUN-demo/greet').locator('.step-run').click();
    await page.waitForURL(`${server.url}${liveLinks[1]}`);
    expect(await page.locator('#run-status').textContent()).toBe('passed');
    expect(await page.locator('.run-log').last().textContent()).toContain('hello');
    // …and the run page links back to the runbook run it was a step of.
    expect(await page.locator('.runbook-run-link').textContent()).toBe('step 3 of 4');
    expect(await page.locator('.runbook-run-link').getAttribute('href')).toBe(new URL(url).pathname);

    // The doc page lists it among its recent runbook runs.
    await page.goto(`${server.url}/docs/RUN-demo`);
    expect(await page.locator(`.runbook-bar a[href="${new URL(url).pathname}"]`).textContent()).toBe('passed');
  });

  it('cancel stops the current step and skips the rest', async () => {
    await page.goto(`${server.url}/docs/RUN-long`);
    await page.locator('.runbook-run-button').click();
    await page.waitForURL(/\/runbook-runs\/[0-9a-f-]{36}$/);
    await stepItem('RUN-long/long').locator('.step-status[data-status="running"]').waitFor({ timeout: 20_000 });
    const runHref = await stepItem('RUN-long/long').locator('.step-run').getAttribute('href');
    runIds.push(runHref!.split('/').pop()!);
    await page.locator('#runbook-cancel').click();
    await page.locator('#runbook-status[data-status="cancelled"]').waitFor({ timeout: 20_000 });
    expect(await statusOf('RUN-long/long')).toBe('cancelled');
    expect(await statusOf('RUN-long/after')).toBe('skipped');
    expect(await stepItem('RUN-long/after').locator('.step-reason').textContent()).toBe('skipped: step long was cancelled');
  });

  it('stops at a failed step, skips the rest, and links the incident the failure opened', async () => {
    await page.goto(`${server.url}/docs/RUN-broken`);
    await page.locator('.runbook-run-button').click();
    await page.waitForURL(/\/runbook-runs\/[0-9a-f-]{36}$/);
    await page.locator('#runbook-status[data-status="failed"]').waitFor({ timeout: 30_000 });
    runIds.push((await stepItem('RUN-broken/fails').locator('.step-run').getAttribute('href'))!.split('/').pop()!);
    expect(await statusOf('RUN-broken/fails')).toBe('failed');
    expect(await stepItem('RUN-broken/fails').locator('.step-reason').textContent()).toMatch(/^exit_nonzero: /);
    expect(await statusOf('RUN-broken/after')).toBe('skipped');
    expect(await stepItem('RUN-broken/after').locator('.step-reason').textContent()).toBe('skipped: step fails failed');
    const incident = stepItem('RUN-broken/fails').locator('.step-incident:not([hidden])');
    await incident.waitFor({ timeout: 10_000 });
    const href = await incident.getAttribute('href');
    expect(href).toMatch(/^\/incidents\/INC-\d+$/);
    // After a reload the link comes from the store, and leads to the incident of that run.
    await page.reload();
    expect(await stepItem('RUN-broken/fails').locator('.step-incident:not([hidden])').getAttribute('href')).toBe(href);
    await stepItem('RUN-broken/fails').locator('.step-incident').click();
    await page.waitForURL(`${server.url}${href}`);
    expect(await page.locator('body').textContent()).toContain('RUN-broken/fails');
  });

  it('offers Run runbook per runbook and target on the dashboard', async () => {
    await page.goto(`${server.url}/dashboard`);
    const row = page.locator('.runbook-row[data-key="RUN-demo@local"]');
    expect(await row.locator('.runbook-status').textContent()).toBe('passed');
    await row.locator('.runbook-row-run').click();
    const link = row.locator('.runbook-row-note a');
    await link.waitFor({ timeout: 10_000 });
    await link.click();
    await page.waitForURL(/\/runbook-runs\/[0-9a-f-]{36}$/);
    await page.locator('#runbook-status[data-status="passed"]').waitFor({ timeout: 30_000 });
    runIds.push(...(await page.locator('.step-run:not([hidden])').evaluateAll((links) => links.map((a) => a.getAttribute('href')!.split('/').pop()!))));
  });

  it('refuses a runbook request from another origin, or that is not JSON', async () => {
    const cross = await fetch(`${server.url}/api/runbook-runs`, { method: 'POST', headers: server.authHeaders({ 'content-type': 'application/json', origin: 'https://evil.example' }), body: JSON.stringify({ doc: 'RUN-demo', hash: '0000000000000000' }) });
    expect(cross.status).toBe(403);
    const form = await fetch(`${server.url}/api/runbook-runs`, { method: 'POST', headers: server.authHeaders({ 'content-type': 'application/x-www-form-urlencoded' }), body: 'doc=RUN-demo' });
    expect(form.status).toBe(415);
    const stale = await fetch(`${server.url}/api/runbook-runs`, { method: 'POST', headers: server.authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ doc: 'RUN-demo', hash: '0000000000000000' }) });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: 'RunbookChanged' });
  });
});
