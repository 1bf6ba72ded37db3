import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { freePort, startServer, warmUp, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';
import { expectNothingLeftOfRuns } from '../support/docker-leftovers.ts';

// Issue 13: after `npm start` a scheduled check showed "never run" for its whole first
// interval. Here a dashboard is open on a server whose schedules are off, so the row is
// "never run" for certain; then the server restarts on the same port and data with schedules
// on and a 2 s start-up window, as `npm start` would, and the open page, without a click or a
// reload, turns the hourly check "passing" and says when it runs next.

const block = (info: string, source: string) => `\`\`\`${info}\n${source}\n\`\`\``;
const HOURLY = block('bash { name=hourly-probe check every=1h }', `docker run --rm --network none python:3.13-slim python3 -c "print('ok')"`);
const IDLE = block('bash { name=idle-probe check }', `docker run --rm --network none python:3.13-slim python3 -c "print('idle')"`);
const KEY = 'RUN-startup/hourly-probe@local';
const WINDOW_SECONDS = 2;

let docs: TempDocs;
let work: string;
let port: number;
let server: RunningServer | undefined;
let browser: Browser;
let page: Page;
let restartedAt: number;

async function start(schedules: 'on' | 'off'): Promise<RunningServer> {
  const started = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml'), RUNBOOK_LIVE_SCHEDULES: schedules }, port);
  await warmUp(started.url, ['/dashboard', '/api/checks', '/api/events', '/', '/docs/RUN-startup']);
  return started;
}

type ApiRow = { key: string; status: string; nextRunAt: string | null; lastRun: { id: string; trigger: string; createdAt: string } | null };

async function apiRow(key: string): Promise<ApiRow> {
  const { rows } = (await (await fetch(`${server!.url}/api/checks`)).json()) as { rows: ApiRow[] };
  const row = rows.find((r) => r.key === key);
  if (!row) throw new Error(`no row ${key} in /api/checks: ${rows.map((r) => r.key).join(', ')}`);
  return row;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-schedules-startup-'));
  writeFileSync(path.join(work, 'systems.yaml'), `systems:\n  demo:\n    dir: ${work}\nschedules:\n  startup_window_seconds: ${WINDOW_SECONDS}\n`);
  docs = makeTempDocs();
  docs.write('runbooks/runbook-startup.md', doc({ type: 'runbook', id: 'RUN-startup', title: 'Start-up', status: 'active', owners: 'qa', created: '2026-12-01', system: 'demo' }, ['## Checks', '', HOURLY, '', IDLE, ''].join('\n')));
  port = await freePort();
  server = await start('off');
  browser = await launchBrowser();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  docs?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('scheduled checks after start-up, in a real browser', () => {
  it('turns an hourly check from "never run" to "passing" within the start-up window, without a click, and shows its next run', async () => {
    await page.goto(`${server!.url}/dashboard`);
    const row = page.locator(`tr.check-row[data-key="${KEY}"]`);
    expect(await row.getAttribute('data-status')).toBe('never run');
    expect(await row.locator('.schedule-label').textContent()).toBe('every 1h');
    // Schedules are off on this server: nothing is due.
    expect(await row.locator('time.next-run').count()).toBe(0);

    // `npm start` again, on the same port and data: the open page's stream reconnects by itself.
    await server!.stop();
    restartedAt = Date.now();
    server = await start('on');

    // No click and no reload from here on: the row changes over the live stream.
    await row.locator('.check-status[data-status="passing"]').waitFor({ timeout: 45_000 });
    const run = (await apiRow(KEY)).lastRun!;
    expect(run.trigger).toBe('schedule');
    // It ran within the window of the restart (plus the scheduler's 1 s tick and the time the
    // server took to answer), not an hour later.
    expect(Date.parse(run.createdAt) - restartedAt).toBeLessThan(WINDOW_SECONDS * 1000 + 1_000 + 10_000);
    expect(await row.locator('.last-run').textContent()).toContain('(scheduled)');

    // The next run is an hour on, ±10% capped at a minute, as words and as an exact time.
    const next = row.locator('time.next-run');
    await next.waitFor();
    expect(await next.textContent()).toMatch(/^next in (59|60|61) min$|^next in 1 h$/);
    const dueAt = Date.parse((await next.getAttribute('datetime'))!);
    expect(dueAt - Date.parse(run.createdAt)).toBeGreaterThanOrEqual(59 * 60_000);
    expect(dueAt - Date.parse(run.createdAt)).toBeLessThanOrEqual(61 * 60_000 + 1_000);
    expect(await next.getAttribute('title')).toBe(`next run at ${(await apiRow(KEY)).nextRunAt}`);
    // The check without every= was left alone.
    expect(await page.locator('tr.check-row[data-key="RUN-startup/idle-probe@local"]').getAttribute('data-status')).toBe('never run');

    await expectNothingLeftOfRuns([run.id]);
  }, 90_000);

  it('says how each check stands in one line per target, on the doc page and in the catalogue alike', async () => {
    const expected = 'hourly-probe passed just now on local; idle-probe never run on local';
    await page.goto(`${server!.url}/docs/RUN-startup`);
    const line = page.locator('.doc-head .freshness .freshness-line');
    expect(await line.allTextContents()).toEqual([expected]);
    expect(await line.locator('.freshness-check').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.state))).toEqual(['passed', 'never run']);
    expect(await page.locator('.doc-head .freshness').textContent()).not.toContain('verified');

    await page.goto(`${server!.url}/`);
    const cell = page.locator('tr.doc-row', { hasText: 'RUN-startup' }).locator('.verified-cell');
    expect(await cell.locator('.freshness-line').allTextContents()).toEqual([expected]);
    expect(await cell.getAttribute('data-flag')).toBe('never run');
  });
});
