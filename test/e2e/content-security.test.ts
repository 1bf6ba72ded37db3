import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signIn } from '../support/browser.ts';
import { freePort, startServer, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';
import { pollUntil } from '../support/poll.ts';

// Raw HTML a doc author (or an attacker with a pull request) could write: the sanitizer is the
// first wall, and the CSP the second, for whatever gets past it.
const HOSTILE = [
  '## Inspect',
  '',
  '```bash { name=inspect }',
  'docker image inspect local/python:3-bookworm',
  '```',
  '',
  '<img src="x" onerror="window.__pwned = \'img\'">',
  '',
  '<script>window.__pwned = "script"</script>',
  '',
].join('\n');

let docs: TempDocs;
let work: string;
let server: RunningServer;
let framer: Server;
let framerUrl: string;
let browser: Browser;

/** A page that records every CSP violation it sees, from before its first script runs. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; violations: () => Promise<Array<{ directive: string; blocked: string }>> }> {
  const page = await context.newPage();
  await page.addInitScript(() => {
    const seen: Array<{ directive: string; blocked: string }> = [];
    (window as unknown as { __violations: typeof seen }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI }));
  });
  return { page, violations: () => page.evaluate(() => (window as unknown as { __violations: Array<{ directive: string; blocked: string }> }).__violations) };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-csp-'));
  writeFileSync(path.join(work, 'systems.yaml'), `systems:\n  demo:\n    dir: ${work}\n`);
  docs = makeTempDocs();
  docs.write('runbooks/runbook-hostile.md', doc({ type: 'runbook', id: 'RUN-hostile', title: 'Hostile', status: 'active', owners: 'qa', created: '2026-12-01', system: 'demo' }, HOSTILE));
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
  // Another origin (another port) whose page frames a runbook page.
  const port = await freePort();
  framer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>framer</title><iframe id="victim" src="${server.url}/docs/RUN-hostile" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => framer.listen(port, '127.0.0.1', resolve));
  framerUrl = `http://127.0.0.1:${port}/`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (framer ? framer.close(() => resolve()) : resolve()));
  await server?.stop();
  docs?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the Content-Security-Policy', () => {
  it('blocks an inline script in a runbook page, and lets the page\'s own scripts run', async () => {
    const context = await browser.newContext();
    const { page, violations } = await watchedPage(context);
    // Run needs an operator: sign in through the printed URL first.
    await signIn(page, server);
    // The sanitizer strips the doc's raw script and handler; to test the second wall, the
    // page is served with an inline script added, under the server's own headers.
    await page.route(`${server.url}/docs/RUN-hostile`, async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      expect(html).not.toContain('window.__pwned');
      await route.fulfill({ response, body: html.replace('</main>', '<script>window.__pwned = "injected"</script><img src="/nope" onerror="window.__pwned = \'handler\'"></main>') });
    });
    await page.goto(`${server.url}/docs/RUN-hostile`);
    const seen = await pollUntil('two CSP violations (the inline script and the handler)', async () => ((await violations()).length >= 2 ? violations() : null));
    expect(seen.map((violation) => violation.directive).sort()).toEqual(['script-src-attr', 'script-src-elem']);
    expect(seen.every((violation) => violation.blocked === 'inline')).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();

    // The page's own bundle still runs: Run posts the block and the answer streams in.
    const block = page.locator('[data-block-id="RUN-hostile/inspect"]');
    await block.locator('.run-button').click();
    await block.locator('.run-state[data-status="passed"]').waitFor({ timeout: 30_000 });
    expect((await violations()).length).toBe(2);
    await context.close();
  });

  it('leaves the catalogue filter, the dashboard and the health page without a violation', async () => {
    const context = await browser.newContext();
    const { page, violations } = await watchedPage(context);
    await page.goto(`${server.url}/`);
    await page.locator('#doc-filter').fill('no such words anywhere');
    await page.locator('#no-match:not([hidden])').waitFor();
    await page.goto(`${server.url}/dashboard`);
    await page.locator('main').waitFor();
    expect(await violations()).toEqual([]);
    await page.goto(`${server.url}/health`);
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it('keeps a runbook page out of a frame on another origin', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => blocked.push(message.text()));
    await page.goto(framerUrl);
    const frame = await pollUntil('the iframe to be attached', () => page.frames().find((candidate) => candidate !== page.mainFrame()) ?? null);
    // Chromium replaces a refused frame with its own error page; the runbook never renders there.
    await pollUntil('the frame to settle', async () => frame.url() !== '' && frame.url() !== 'about:blank' ? true : null);
    const content = await frame.content().catch(() => '');
    expect(content).not.toContain('Hostile · runbook-live');
    expect(frame.url()).not.toBe(`${server.url}/docs/RUN-hostile`);
    expect(blocked.join('\n')).toContain('frame-ancestors');
    await context.close();
  });
});
