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

// The word is in the body only, under the second of two headings with the same text, so the
// hit must carry the suffixed anchor the page gives that heading.
const WORD = 'quiescence';

beforeAll(async () => {
  docs = makeTempDocs(path.join(ROOT, 'content'));
  docs.write(
    'reference/ref-replica-notes.md',
    doc(
      { type: 'reference', id: 'REF-replica-notes', title: 'Replica notes', status: 'active', owners: 'platform', created: '2026-01-01' },
      `## Checks\n\nLook at the lag first.\n\n## Background\n\nReplicas stream the log.\n\n## Checks\n\nWait for ${WORD} before you promote a replica.\n\n## Afterwards\n\nWrite it down.\n`,
    ),
  );
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(docs.dir, '..', `${path.basename(docs.dir)}-data`) });
  browser = await launchBrowser();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  docs?.cleanup();
});

describe('search in a real browser', () => {
  it('finds a word that is only in a doc’s body from the header box, and lands on the heading above it', async () => {
    await page.goto(`${server.url}/docs/RUN-runner-image`);
    const box = page.locator('header .site-search input[name="q"]');
    await box.fill(WORD);
    await box.press('Enter');
    await page.waitForURL(`${server.url}/search?q=${WORD}`);
    expect(await page.locator('#search-summary').textContent()).toBe('1 doc matches');
    const hit = page.locator('.search-hit');
    expect(await hit.locator('.search-snippet mark').allTextContents()).toEqual([WORD]);
    expect(await page.locator('header .site-search input[name="q"]').inputValue()).toBe(WORD);

    await hit.locator('a.search-hit-title').click();
    await page.waitForURL((url) => url.pathname === '/docs/REF-replica-notes' && url.hash !== '');
    const hash = new URL(page.url()).hash;
    expect(hash).toBe('#checks-1');
    // The element the hash names is a heading, and the word is in its section: after it, before the next heading.
    const landing = await page.evaluate((id) => {
      const heading = document.getElementById(id);
      let text = '';
      for (let node = heading?.nextElementSibling; node && !/^H[1-6]$/.test(node.tagName); node = node.nextElementSibling) text += node.textContent;
      return { tag: heading?.tagName, title: heading?.textContent?.replace(/#$/, '').trim(), section: text };
    }, decodeURIComponent(hash.slice(1)));
    expect(landing).toEqual({ tag: 'H2', title: 'Checks', section: expect.stringContaining(WORD) });
  });

  it('narrows the hits with a filter, and searches again when one is picked', async () => {
    await page.goto(`${server.url}/search?q=runner`);
    const before = Number((await page.locator('#search-summary').textContent())!.split(' ')[0]);
    expect(before).toBeGreaterThan(1);
    const types = page.locator('select[name="type"]');
    const option = (await types.locator('option').allTextContents()).find((label) => label.startsWith('adr ('))!;
    await types.selectOption({ label: option });
    await page.waitForURL((url) => url.searchParams.get('type') === 'adr');
    const count = Number(/\((\d+)\)/.exec(option)![1]);
    expect(await page.locator('.search-hit').count()).toBe(count);
    expect(await page.locator('.search-hit-meta').allTextContents()).toEqual(Array(count).fill(expect.stringContaining('adr')));
  });
});
