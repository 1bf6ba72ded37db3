import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let docs: TempDocs;
let server: RunningServer;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  docs = makeTempDocs(path.join(ROOT, 'content'));
  docs.write(
    'reference/ref-hostile.md',
    doc(
      { type: 'reference', id: 'REF-hostile', title: 'Hostile <b>title</b>', status: 'draft', owners: 'eve', created: '2026-01-01' },
      '## Payloads\n\n<script>window.pwned = 1; alert("script")</script>\n\n<img src="x" onerror="window.pwned = 2">\n\n<a href="javascript:alert(1)">click</a>\n\nSee ADR-0999 and [gone](../adr/adr-0999-gone.md).\n',
    ),
  );
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(docs.dir, '..', `${path.basename(docs.dir)}-data`) });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  docs?.cleanup();
});

describe('docs site in a real browser', () => {
  it('shows the catalogue grouped by type, marks superseded docs, and filters', async () => {
    await page.goto(`${server.url}/`);
    expect(await page.locator('.catalogue-group h2').allTextContents()).toEqual(['runbook 1', 'adr 4', 'reference 2']);
    const superseded = page.locator('tr.doc-row', { hasText: 'ADR-0011' });
    await expect.poll(() => superseded.getAttribute('class')).toContain('tone-retired');
    expect(await superseded.locator('.status').getAttribute('class')).toContain('status-retired');
    await page.fill('#doc-filter', 'adr-0015');
    const visible = page.locator('tr.doc-row:visible');
    await expect.poll(() => visible.count()).toBe(1);
    expect(await visible.locator('code').textContent()).toBe('ADR-0015');
    await page.fill('#doc-filter', 'no such words');
    expect(await page.locator('#no-match').isVisible()).toBe(true);
  });

  it('renders a doc with its contents, summary and links both ways', async () => {
    const response = await page.goto(`${server.url}/docs/RUN-runner-image`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('.doc-head h1').textContent()).toBe('Runbook: build the runner image and smoke-test its contract');
    expect(await page.locator('.toc a').allTextContents()).toContain('Runner containers do not start');
    expect(await page.locator('.doc-body pre.shiki').count()).toBeGreaterThan(2);
    expect(await page.locator('.frontmatter dd').allTextContents()).toContain('skriptoteket-runner');
    expect(await page.locator('.links-out a').allTextContents()).toContain('Runner file exchange through per-run volumes, not bind mounts');

    await page.locator('.doc-body a.doc-link', { hasText: 'REF-runner-contract' }).first().click();
    await page.waitForURL(`${server.url}/docs/REF-runner-contract`);
    expect(await page.locator('.links-in a').allTextContents()).toContain('Runbook: build the runner image and smoke-test its contract');
    await page.locator('h2#result-file a.heading-anchor').click();
    expect(page.url()).toBe(`${server.url}/docs/REF-runner-contract#result-file`);
  });

  it('neutralises raw HTML and marks broken references', async () => {
    await page.goto(`${server.url}/docs/REF-hostile`);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await page.locator('.doc-head h1').textContent()).toBe('Hostile <b>title</b>');
    expect(await page.locator('.doc-body script').count()).toBe(0);
    expect(await page.locator('.doc-body [onerror]').count()).toBe(0);
    expect(await page.locator('.doc-body a[href^="javascript"]').count()).toBe(0);
    expect(await page.locator('.doc-body .broken-link').allTextContents()).toEqual(['ADR-0999', 'gone']);
    expect(await page.locator('.doc-problems li').count()).toBe(2);
  });

  it('answers an unknown id with a real 404 page', async () => {
    const response = await page.goto(`${server.url}/docs/ADR-4040`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('.not-found').textContent()).toContain('No doc has the id ADR-4040.');
    const traversal = await fetch(`${server.url}/docs/..%2F..%2Fpackage.json`);
    expect(traversal.status).toBe(404);
  });

  it('lists every problem with counts on the health page, matching the API', async () => {
    const response = await fetch(`${server.url}/api/docs`);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const api = JSON.parse(text);
    await page.goto(`${server.url}/health`);
    expect(Number(await page.locator('#violation-count').textContent())).toBe(api.violations.length);
    expect(Number(await page.locator('#broken-count').textContent())).toBe(api.brokenLinks.length);
    expect(api.brokenLinks.map((b: { target: string }) => b.target).sort()).toEqual(['../adr/adr-0999-gone.md', 'ADR-0999']);
    expect(await page.locator('.problems li').count()).toBe(api.violations.length + api.brokenLinks.length);
    const ref = api.docs.find((d: { id: string }) => d.id === 'REF-runner-contract');
    expect(ref).toMatchObject({ type: 'reference', status: 'active', path: 'reference/ref-runner-contract.md' });
    expect(ref.backlinks.map((b: { id: string }) => b.id)).toContain('RUN-runner-image');
  });

  it('shows edited, added and deleted files on the next request', async () => {
    docs.write(
      'adr/adr-0020-live-edit.md',
      doc({ type: 'adr', id: 'ADR-0020', title: 'Added while running', status: 'proposed', owners: 'p', deciders: 'p', created: '2026-11-26' }, 'Builds on ADR-0015.\n'),
    );
    await page.goto(`${server.url}/`);
    expect(await page.locator('tr.doc-row', { hasText: 'ADR-0020' }).locator('a').textContent()).toBe('Added while running');
    await page.goto(`${server.url}/docs/ADR-0015`);
    expect(await page.locator('.links-in code').allTextContents()).toContain('ADR-0020');

    docs.write(
      'adr/adr-0020-live-edit.md',
      doc({ type: 'adr', id: 'ADR-0020', title: 'Edited while running', status: 'proposed', owners: 'p', deciders: 'p', created: '2026-11-26', updated: '2026-11-27' }),
    );
    await page.goto(`${server.url}/docs/ADR-0020`);
    expect(await page.locator('.doc-head h1').textContent()).toBe('Edited while running');

    docs.remove('adr/adr-0020-live-edit.md');
    expect((await page.goto(`${server.url}/docs/ADR-0020`))?.status()).toBe(404);
  });
});
