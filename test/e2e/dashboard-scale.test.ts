// The dashboard at 10,000 rows in Chromium: 2,000 checks × 5 targets over 100,000 seeded runs.
// First paint, a filter, a sort and a page turn are timed and printed (loose bounds here;
// bench/dashboard.ts holds the hard server-side numbers), and what each shows is checked
// against the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { startServer, warmUp, type RunningServer } from '../support/server.ts';
import { makeScaleWorld, type ScaleWorld } from '../engine/scale/world.ts';

let world: ScaleWorld;
let server: RunningServer;
let browser: Browser;
let page: Page;
const timings: Record<string, number> = {};

beforeAll(async () => {
  world = makeScaleWorld({ runbooks: 200, targets: 5, runsPerCheck: 10, keepRuns: false });
  server = await startServer(world.env);
  await warmUp(server.url, ['/dashboard', '/api/checks', '/api/events']);
  browser = await launchBrowser();
  page = await browser.newPage();
}, 180_000);

afterAll(async () => {
  console.log(`dashboard in Chromium, ${world?.checks.length ?? 0} checks × ${world?.targets.length ?? 0} targets over ${world?.runCount ?? 0} runs (ms): ${JSON.stringify(timings)}`);
  await browser?.close();
  await server?.stop();
  world?.cleanup();
});

/** The rows the page shows: key and status, in order. */
const shownRows = () => page.$$eval('tr.check-row', (rows) => rows.map((row) => ({ key: (row as HTMLElement).dataset.key!, status: (row as HTMLElement).dataset.status! })));
/** The last navigation's request start to load event, from the page's own timing. */
const navigationMs = () => page.evaluate(() => {
  const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  return entry.loadEventEnd - entry.startTime;
});

describe('the dashboard at 10,000 rows in Chromium', () => {
  it('paints the first page of 100 rows quickly, with counts over all 10,000', async () => {
    await page.goto(`${server.url}/dashboard`);
    const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    timings.firstContentfulPaint = Math.round(paint!);
    timings.firstLoad = Math.round(await navigationMs());
    expect(paint).not.toBeNull();
    expect(paint!).toBeLessThan(3000);
    expect(await shownRows()).toHaveLength(100);
    expect(await page.textContent('.pager-range')).toBe('rows 1–100 of 10000');
    const api = (await (await fetch(`${server.url}/api/checks`)).json()) as { total: number; counts: Record<string, number>; rows: Array<{ key: string }> };
    expect(api.total).toBe(10_000);
    expect((await shownRows()).map((r) => r.key)).toEqual(api.rows.map((r) => r.key));
    const badges = await page.$$eval('.status-counts .run-status-badge', (els) => els.map((el) => el.textContent!.trim()));
    expect(badges).toEqual(Object.entries(api.counts).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`));
    // The runbooks table is cut to a page too: 200 runbooks × 5 targets would be 1,000 rows.
    expect(await page.$$('table.runbook-table tbody tr')).toHaveLength(100);
    expect(await page.textContent('#runbooks-more')).toBe('Showing 100 of 1000 runbook rows; filter by doc or target to see the others.');
  });

  it('filters by status and target over every row, and sorts, in one navigation each', async () => {
    await page.selectOption('select[name="status"]', 'failing');
    await page.selectOption('select[name="target"]', 'local-3');
    let started = Date.now();
    await Promise.all([page.waitForURL(/status=failing/), page.click('form.dashboard-filters button[type="submit"]')]);
    await page.waitForLoadState('load');
    timings.filterClickToLoad = Date.now() - started;
    timings.filterNavigation = Math.round(await navigationMs());
    const failing = (await (await fetch(`${server.url}/api/checks?status=failing&target=local-3&limit=10000`)).json()) as { total: number; rows: Array<{ key: string }> };
    expect(failing.total).toBeGreaterThan(100);
    const rows = await shownRows();
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['failing']));
    expect(rows.every((r) => r.key.endsWith('@local-3'))).toBe(true);
    expect(await page.textContent('.pager-range')).toBe(`rows 1–100 of ${failing.total}`);

    await page.selectOption('select[name="sort"]', 'last-run');
    started = Date.now();
    await Promise.all([page.waitForURL(/sort=last-run/), page.click('form.dashboard-filters button[type="submit"]')]);
    await page.waitForLoadState('load');
    timings.sortClickToLoad = Date.now() - started;
    timings.sortNavigation = Math.round(await navigationMs());
    const sorted = (await (await fetch(`${server.url}/api/checks?status=failing&target=local-3&sort=last-run`)).json()) as { rows: Array<{ key: string; lastRun: { createdAt: string } }> };
    const created = sorted.rows.map((r) => r.lastRun.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect((await shownRows()).map((r) => r.key)).toEqual(sorted.rows.map((r) => r.key));
    // The filters stay chosen after the sort.
    expect(await page.inputValue('select[name="status"]')).toBe('failing');

    for (const value of Object.values(timings)) expect(value).toBeLessThan(5000);
  });

  it('turns the page, keeping the filters and the sort', async () => {
    const started = Date.now();
    await Promise.all([page.waitForURL(/offset=100/), page.click('.pager a[rel="next"]')]);
    await page.waitForLoadState('load');
    timings.nextPageClickToLoad = Date.now() - started;
    expect(page.url()).toMatch(/status=failing/);
    expect(page.url()).toMatch(/sort=last-run/);
    const api = (await (await fetch(`${server.url}/api/checks?status=failing&target=local-3&sort=last-run&offset=100`)).json()) as { rows: Array<{ key: string }> };
    expect((await shownRows()).map((r) => r.key)).toEqual(api.rows.map((r) => r.key));
    expect(await page.textContent('.pager-range')).toMatch(/^rows 101–\d+ of \d+$/);
  });
});
