import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signIn, watchCspViolations, type CspViolation } from '../support/browser.ts';
import { measureTextContrast } from '../support/contrast.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';
import { managedContainersFor } from '../support/managed-containers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LIGHT_BG = 'rgb(255, 255, 255)';
const DARK_BG = 'rgb(13, 17, 23)';

// A runbook that puts every kind of text on its page: a table, links, inline code, highlighted
// code, a Run button, and (once run) a log in all sixteen basic ANSI colours with a line on
// stderr, and a failed run for the runs list.
const COLOUR_CODES = [30, 31, 32, 33, 34, 35, 36, 37, 90, 91, 92, 93, 94, 95, 96, 97];
const BODY = String.raw`## Colours

Prints every basic ANSI colour, as REF-runner-contract describes for \`stdout\`.

| Codes | Meaning |
| --- | --- |
| 30–37 | normal |
| 90–97 | bright |

` + '```bash { name=colours }\n' + String.raw`# every basic colour, then a warning on stderr
docker run --rm --network none python:3.13-slim python3 -c "import sys; print(' '.join('\033[%dm%d\033[0m' % (c, c) for c in [${COLOUR_CODES.join(', ')}])); print('warning', file=sys.stderr)"` + '\n```\n\n## Fails\n\n```bash { name=fails }\ndocker run --rm --network none python:3.13-slim python3 -c "raise SystemExit(3)"\n```\n';

let docs: TempDocs;
let work: string;
let server: RunningServer;
let browser: Browser;

/** A fresh browser context under a system colour scheme, and its first page with CSP violations recorded. */
async function openPage(colorScheme: 'light' | 'dark'): Promise<{ context: BrowserContext; page: Page; violations: () => Promise<CspViolation[]> }> {
  const context = await browser.newContext({ colorScheme });
  const page = await context.newPage();
  const violations = await watchCspViolations(page);
  return { context, page, violations };
}

/** The page's computed colours: the root's background and text, its color-scheme, and the theme attribute. */
function pageColours(page: Page): Promise<{ background: string; text: string; scheme: string; theme: string | null; label: string }> {
  return page.evaluate(() => {
    const root = getComputedStyle(document.documentElement);
    const label = [...document.querySelectorAll<HTMLElement>('#theme-toggle span')].filter((span) => span.checkVisibility()).map((span) => span.textContent);
    return { background: root.backgroundColor, text: root.color, scheme: root.colorScheme, theme: document.documentElement.dataset.theme ?? null, label: label.join('|') };
  });
}

/** Every custom property the stylesheets declare, with its computed value on <html>. */
function customProperties(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const names = new Set<string>();
    const visit = (rules: CSSRuleList) => {
      for (const rule of rules) {
        if (rule instanceof CSSStyleRule) for (const name of rule.style) if (name.startsWith('--')) names.add(name);
        if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules);
      }
    };
    for (const sheet of document.styleSheets) visit(sheet.cssRules);
    const root = getComputedStyle(document.documentElement);
    return Object.fromEntries([...names].sort().map((name) => [name, root.getPropertyValue(name).trim()]));
  });
}

/** The highlighted code's background and each token's computed colour, with the dark colour Shiki gave it. */
function codeColours(page: Page): Promise<{ background: string; tokens: Array<{ colour: string; dark: string }> }> {
  return page.evaluate(() => {
    const pre = document.querySelector<HTMLElement>('pre.shiki')!;
    const tokens = [...pre.querySelectorAll<HTMLElement>('span[style*="--shiki-dark"]')].map((span) => ({ colour: getComputedStyle(span).color, dark: span.style.getPropertyValue('--shiki-dark') }));
    return { background: getComputedStyle(pre).backgroundColor, tokens };
  });
}

/** `#FF7B72` as the browser computes it, `rgb(255, 123, 114)`. */
function rgbOf(hex: string): string {
  const value = hex.replace('#', '');
  const full = value.length === 3 ? [...value].map((c) => c + c).join('') : value.slice(0, 6);
  return `rgb(${[0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)).join(', ')})`;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-dark-'));
  // The shipped systems (so the shipped docs' checks are on the dashboard), plus one for the colours runbook.
  const systems = parse(readFileSync(path.join(ROOT, 'runbook-live.yaml'), 'utf8')) as { systems: Record<string, { dir: string }> };
  for (const system of Object.values(systems.systems)) system.dir = path.resolve(ROOT, system.dir);
  systems.systems.demo = { dir: work };
  writeFileSync(path.join(work, 'systems.yaml'), stringify(systems));
  docs = makeTempDocs(path.join(ROOT, 'content'));
  docs.write('runbooks/runbook-colours.md', doc({ type: 'runbook', id: 'RUN-colours', title: 'Colours', status: 'active', owners: 'qa', created: '2026-12-01', system: 'demo' }, BODY));
  // One doc of each status tone, so the catalogue shows every kind of status pill.
  docs.write('runbooks/runbook-drafted.md', doc({ type: 'runbook', id: 'RUN-drafted', title: 'Drafted', status: 'draft', owners: 'qa', created: '2026-12-01', system: 'demo' }));
  docs.write('runbooks/runbook-retired.md', doc({ type: 'runbook', id: 'RUN-retired', title: 'Retired', status: 'deprecated', owners: 'qa', created: '2026-12-01', system: 'demo' }));
  // A doc with problems: an unknown frontmatter key and a mention of a doc that does not exist.
  docs.write('runbooks/runbook-broken.md', doc({ type: 'runbook', id: 'RUN-broken', title: 'Broken', status: 'active', owners: 'qa', created: '2026-12-01', system: 'demo', colour: 'plum' }, '## Steps\n\nSee ADR-0999 first.\n'));
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  docs?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('dark mode', () => {
  it('follows prefers-color-scheme while no theme is chosen, and forcing a theme gives the same colours', async () => {
    const { context, page, violations } = await openPage('dark');
    await page.goto(`${server.url}/docs/RUN-colours`);
    expect(await pageColours(page)).toEqual({ background: DARK_BG, text: 'rgb(230, 237, 243)', scheme: 'dark', theme: null, label: 'system' });
    const systemDark = await customProperties(page);
    expect(systemDark['--bg']).toBe('#0d1117');

    await page.emulateMedia({ colorScheme: 'light' });
    expect(await pageColours(page)).toEqual({ background: LIGHT_BG, text: 'rgb(31, 35, 40)', scheme: 'light', theme: null, label: 'system' });
    const systemLight = await customProperties(page);

    // The dark set is written twice in the stylesheet (for the media query and for the
    // attribute): forcing each theme against the opposite system must give the same values.
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    expect(await customProperties(page)).toEqual(systemDark);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    expect(await customProperties(page)).toEqual(systemLight);
    expect(Object.keys(systemLight).length).toBeGreaterThan(30);
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it('toggles to dark under a light system, keeps it across a reload and on other pages, and back to light', async () => {
    const { context, page, violations } = await openPage('light');
    await page.goto(`${server.url}/docs/RUN-colours`);
    const toggle = page.locator('#theme-toggle');
    expect(await toggle.textContent()).toMatch(/Theme:\s*systemlightdark/);
    expect(await toggle.innerText()).toBe('Theme: system');

    await toggle.click();
    expect(await pageColours(page)).toMatchObject({ background: LIGHT_BG, theme: 'light', label: 'light' });
    await toggle.click();
    expect(await pageColours(page)).toMatchObject({ background: DARK_BG, scheme: 'dark', theme: 'dark', label: 'dark' });
    expect(await page.evaluate(() => localStorage.getItem('runbook-live-theme'))).toBe('dark');

    // A tab opened now starts dark; it follows later changes too (below, through the storage event).
    const other = await context.newPage();
    await other.goto(`${server.url}/`);
    expect(await pageColours(other)).toMatchObject({ background: DARK_BG, theme: 'dark' });

    await page.reload();
    expect(await pageColours(page)).toMatchObject({ background: DARK_BG, theme: 'dark', label: 'dark' });
    expect(await violations()).toEqual([]);
    // Applied by the inline script in the head, before first paint: with the page's bundled
    // scripts refused, the theme is still there.
    await page.route('**/_astro/**', (route) => route.abort());
    await page.goto(`${server.url}/dashboard`);
    expect(await pageColours(page)).toMatchObject({ background: DARK_BG, theme: 'dark', label: 'dark' });
    await page.unroute('**/_astro/**');

    // The hand-written sign-in page (its own CSP, naming the script's hash) follows too.
    await page.goto(`${server.url}/auth/sign-in`);
    expect(await pageColours(page)).toMatchObject({ background: DARK_BG, theme: 'dark' });
    expect(await violations()).toEqual([]);

    // dark → system → light; light then holds against a dark system, across a reload.
    await page.goto(`${server.url}/docs/RUN-colours`);
    await toggle.click();
    expect(await pageColours(page)).toMatchObject({ background: LIGHT_BG, theme: null, label: 'system' });
    expect(await page.evaluate(() => localStorage.getItem('runbook-live-theme'))).toBeNull();
    await pollTheme(other, null);
    await toggle.click();
    expect(await pageColours(page)).toMatchObject({ background: LIGHT_BG, theme: 'light', label: 'light' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    expect(await pageColours(page)).toMatchObject({ background: LIGHT_BG, scheme: 'light', theme: 'light', label: 'light' });
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it('switches highlighted code between the two Shiki themes', async () => {
    const { context, page } = await openPage('light');
    await page.goto(`${server.url}/docs/RUN-colours`);
    const light = await codeColours(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await codeColours(page);
    expect(light.background).toBe(LIGHT_BG);
    expect(dark.background).toBe(DARK_BG);
    expect(light.tokens.length).toBeGreaterThan(5);
    // In dark, every token shows the dark colour Shiki gave it, and those differ from the light ones.
    expect(dark.tokens.map((token) => token.colour)).toEqual(dark.tokens.map((token) => rgbOf(token.dark)));
    expect(light.tokens.filter((token, i) => token.colour !== dark.tokens[i]!.colour).length).toBeGreaterThan(light.tokens.length / 2);
    // Forced dark under a light system: the same colours.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    expect(await codeColours(page)).toEqual(dark);
    await context.close();
  });

  it('keeps every piece of text at 4.5:1 or more against its background, in both themes', async () => {
    const { context, page, violations } = await openPage('light');
    await signIn(page, server);
    // Run both blocks, so the doc page has a live log and the runs list a passed and a failed run.
    await page.goto(`${server.url}/docs/RUN-colours`);
    const runIds: string[] = [];
    for (const [name, status] of [['colours', 'passed'], ['fails', 'failed']] as const) {
      const block = page.locator(`[data-block-id="RUN-colours/${name}"]`);
      await block.locator('.run-button').click();
      await block.locator(`.run-state[data-status="${status}"]`).waitFor({ timeout: 30_000 });
      runIds.push((await block.locator('.run-link').getAttribute('href'))!.split('/').pop()!);
    }
    expect(await page.locator('[data-block-id="RUN-colours/colours"] .run-output span[style*="--ansi-"]').count()).toBe(COLOUR_CODES.length);
    const low: Array<{ page: string; scheme: string; found: unknown }> = [];
    // The live log is only on this page until it is left: measured here, in both themes.
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const report = await measureTextContrast(page, { minimum: 4.5, mustCover: ['.run-output .log-stderr', '.run-output span[style]', '.run-state[data-status="failed"]', '.run-note'] });
      expect(Object.entries(report.covered).filter(([, count]) => count === 0).map(([selector]) => selector), `the live log in ${scheme}`).toEqual([]);
      for (const found of report.low) low.push({ page: 'the live log', scheme, found });
    }

    const pages: Array<{ path: string; mustCover: string[] }> = [
      { path: '/docs/RUN-colours', mustCover: ['p', 'th', 'td', 'a.doc-link', '.muted', 'p code', 'pre.shiki', '.run-button', '#theme-toggle', '.status'] },
      { path: '/', mustCover: ['th', 'td a', '.status-current', '.status-draft', '.status-retired', '#doc-filter', '.count'] },
      { path: '/docs/REF-runner-contract', mustCover: ['pre.shiki', 'table', '.doc-side'] },
      { path: '/runs', mustCover: ['th', '.run-status-badge[data-status="passed"]', '.run-status-badge[data-status="failed"]'] },
      { path: `/runs/${runIds[0]}`, mustCover: ['.run-log span[style]', '.run-log .log-stderr', '.run-facts dt', '#run-status'] },
      { path: '/dashboard', mustCover: ['th', '[data-status="never run"]', 'select', 'button'] },
      { path: '/docs/RUN-broken', mustCover: ['.doc-problems .rule', '.doc-problems h2', '.broken-link'] },
      { path: '/health', mustCover: ['.health-counts .bad', '.health-counts .good', '.problems code', '.findings-rule summary', '#run-store'] },
      { path: '/incidents', mustCover: ['h1'] },
      { path: '/audit', mustCover: ['th', '.run-status-badge', 'input', 'code'] },
      { path: '/auth/sign-in', mustCover: ['h1', 'code', 'button', 'input', 'a'] },
    ];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const { path: route, mustCover } of pages) {
        await page.goto(`${server.url}${route}`);
        expect((await pageColours(page)).background, `${route} in ${scheme}`).toBe(scheme === 'dark' ? DARK_BG : LIGHT_BG);
        const report = await measureTextContrast(page, { minimum: 4.5, mustCover });
        expect(report.checked, `${route} in ${scheme}`).toBeGreaterThan(5);
        // Each named kind of text was on the page and measured, so a pass is not an empty one.
        expect(Object.entries(report.covered).filter(([, count]) => count === 0).map(([selector]) => selector), `${route} in ${scheme}`).toEqual([]);
        for (const found of report.low) low.push({ page: route, scheme, found });
        expect(await violations(), `${route} in ${scheme}`).toEqual([]);
      }
    }
    expect(low).toEqual([]);
    for (const id of runIds) expect(await managedContainersFor(id)).toEqual([]);
    await context.close();
  });
});

/** Waits until a page's theme attribute is the given one (another tab's change arrives as a storage event). */
async function pollTheme(page: Page, theme: string | null): Promise<void> {
  await page.waitForFunction((expected) => (document.documentElement.dataset.theme ?? null) === expected, theme);
}
