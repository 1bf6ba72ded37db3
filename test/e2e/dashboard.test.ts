import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signIn } from '../support/browser.ts';
import { startServer, warmUp, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';
import { expectNothingLeftOfRuns } from '../support/docker-leftovers.ts';
import { pollUntil } from '../support/poll.ts';

const block = (info: string, source: string) => `\`\`\`${info}\n${source}\n\`\`\``;
const FLAKY = block('bash { name=flaky check }', `docker run --rm python:3.13-slim python3 -c "import time; time.sleep(2); raise SystemExit(4)"`);
const QUICK = block('bash { name=quick check }', `docker run --rm --network none python:3.13-slim python3 -c "print('ok')"`);
const BROKEN = block('bash { name=broken check }', `docker run --rm --network none python:3.13-slim python3 -c "raise SystemExit(3)"`);
const MANUAL = block('bash { name=elsewhere check }', 'ssh prod "docker ps"');
const BODY = [
  '## Checks',
  '',
  '### Flaky',
  '',
  FLAKY,
  '',
  '### Quick',
  '',
  QUICK,
  '',
  '### Broken',
  '',
  BROKEN,
  '',
  '### Elsewhere',
  '',
  MANUAL,
  '',
  // Enough text that the troubleshooting heading is below the fold when the page opens.
  ...Array.from({ length: 40 }, (_, i) => `Filler paragraph ${i + 1} so the page scrolls.\n`),
  '## Troubleshooting',
  '',
  '### The check exits non-zero',
  '',
  'Covers: `exit_nonzero`',
  '',
  'The process in the container exited with a code other than 0. Read the last lines of its log.',
  '',
  '### Something else',
  '',
  // And enough below it that the page can scroll the heading to the top.
  ...Array.from({ length: 40 }, (_, i) => `More text ${i + 1} below the section.\n`),
].join('\n');
const ANCHOR = 'the-check-exits-non-zero';

let docs: TempDocs;
let work: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const runIds = new Set<string>();

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-dashboard-'));
  writeFileSync(path.join(work, 'systems.yaml'), `systems:\n  demo:\n    dir: ${work}\n`);
  docs = makeTempDocs();
  docs.write('runbooks/runbook-demo.md', doc({ type: 'runbook', id: 'RUN-demo', title: 'Demo', status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, BODY));
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
  await warmUp(server.url, ['/dashboard', '/api/checks', '/api/events', '/api/checks/run-all', '/api/runs', '/api/runs/none', '/api/runs/none/events', '/incidents', '/incidents/INC-0', '/docs/RUN-demo', '/runs']);
  browser = await launchBrowser();
  page = await browser.newPage();
  // Running needs the operator role: the page signs in as admin through the sign-in URL.
  await signIn(page, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  docs?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

type ApiRow = { key: string; status: string; openIncidents: number; lastRun: { id: string } | null };

async function apiRows(): Promise<ApiRow[]> {
  const response = await fetch(`${server.url}/api/checks`);
  return ((await response.json()) as { rows: ApiRow[] }).rows;
}

/** Waits until no check is queued or running, and remembers the runs it saw. */
async function settle(timeoutMs = 45_000): Promise<ApiRow[]> {
  let rows: ApiRow[] = [];
  return pollUntil(
    () => `the runs to end; still going: ${JSON.stringify(rows.filter((r) => r.status === 'running' || r.status === 'queued').map((r) => [r.key, r.status]))}`,
    async () => {
      rows = await apiRows();
      for (const row of rows) if (row.lastRun) runIds.add(row.lastRun.id);
      return rows.some((r) => r.status === 'running' || r.status === 'queued') ? undefined : rows;
    },
    { timeoutMs, everyMs: 250 },
  );
}

const row = (key: string) => page.locator(`tr.check-row[data-key="${key}"]`);

describe('the smoke dashboard in a real browser', () => {
  it('lists every check with its state before anything ran', async () => {
    await page.goto(`${server.url}/dashboard`);
    expect(await page.locator('tr.check-row').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.key}=${(r as HTMLElement).dataset.status}`))).toEqual([
      'RUN-demo/flaky@local=never run',
      'RUN-demo/quick@local=never run',
      'RUN-demo/broken@local=never run',
      'RUN-demo/elsewhere@local=not runnable',
    ]);
    expect(await row('RUN-demo/elsewhere@local').locator('.row-run').isDisabled()).toBe(true);
    expect(await row('RUN-demo/elsewhere@local').locator('.check-status').getAttribute('title')).toContain('ssh');
    expect(await row('RUN-demo/flaky@local').locator('.incidents').textContent()).toBe('—');
    expect(await page.locator('.target-card[data-target="local"]').count()).toBe(1);
  });

  it('runs a check from its row: running, then failing, then 1 open incident, all without a reload', async () => {
    await page.goto(`${server.url}/dashboard`);
    const flaky = row('RUN-demo/flaky@local');
    const badge = flaky.locator('.check-status');
    expect(await badge.textContent()).toBe('never run');

    // Remember every status the badge shows, and prove later that this document was never replaced.
    await page.evaluate(() => {
      const w = window as unknown as { __marker: number; __seen: string[] };
      w.__marker = 1;
      w.__seen = [];
      const target = document.querySelector('tr.check-row[data-key="RUN-demo/flaky@local"] .check-status')!;
      new MutationObserver(() => w.__seen.push(target.textContent ?? '')).observe(target, { childList: true, characterData: true, subtree: true });
    });
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    const started = Date.now();

    await flaky.locator('.row-run').click();
    await flaky.locator('.check-status[data-status="running"]').waitFor({ timeout: 20_000 });
    expect(await badge.textContent()).toBe('running');
    const runningAfter = Date.now() - started;
    await flaky.locator('.check-status[data-status="failing"]').waitFor({ timeout: 30_000 });
    expect(await badge.textContent()).toBe('failing');
    // The container sleeps 2 s before exiting 4, so "running" was shown well before the verdict.
    expect(Date.now() - started - runningAfter).toBeGreaterThan(1_000);

    const incidents = flaky.locator('.incidents a.incident-count');
    await incidents.waitFor({ timeout: 10_000 });
    expect(await incidents.textContent()).toBe('1 open');
    expect(await incidents.getAttribute('href')).toBe('/incidents?check=RUN-demo%2Fflaky');

    // Same document: the marker survived and no navigation happened.
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
    expect(navigations).toBe(0);
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    expect(seen).toContain('running');
    expect(seen.at(-1)).toBe('failing');
    expect(seen.indexOf('running')).toBeLessThan(seen.lastIndexOf('failing'));

    // The rest of the row followed: a run link, a duration, a pass rate.
    const lastRun = flaky.locator('.last-run a');
    expect(await lastRun.getAttribute('href')).toMatch(/^\/runs\/[0-9a-f-]{36}$/);
    runIds.add((await lastRun.getAttribute('href'))!.split('/').pop()!);
    expect(await flaky.locator('.duration').textContent()).toMatch(/^\d+(\.\d)? s$/);
    expect(await flaky.locator('.rate-24h').textContent()).toBe('0%');
    expect(await flaky.locator('.spark path.spark-line').getAttribute('d')).toMatch(/^M0\.0,/);
    expect(await flaky.getAttribute('data-status')).toBe('failing');
  });

  it('leads from the incident count to the incident, and from there to the troubleshooting section', async () => {
    await page.goto(`${server.url}/dashboard`);
    await row('RUN-demo/flaky@local').locator('.incidents a.incident-count').click();
    await page.waitForURL(`${server.url}/incidents?check=RUN-demo%2Fflaky`);
    const listed = page.locator('tr.incident-row', { hasText: 'RUN-demo/flaky' });
    expect(await listed.count()).toBe(1);
    expect(await listed.getAttribute('data-status')).toBe('open');
    expect(await listed.locator('td', { hasText: 'exit_nonzero' }).count()).toBe(1);
    expect(await listed.locator(`a[href="/docs/RUN-demo#${ANCHOR}"]`).textContent()).toBe('The check exits non-zero');

    const id = (await listed.getAttribute('data-incident-id'))!;
    expect(id).toMatch(/^INC-\d+$/);
    await listed.locator(`a[href="/incidents/${id}"]`).click();
    await page.waitForURL(`${server.url}/incidents/${id}`);
    expect(await page.locator('h1').textContent()).toContain('RUN-demo/flaky');
    expect(await page.locator('.timeline-event').first().getAttribute('data-type')).toBe('opened');
    expect(await page.locator('.timeline-event').first().textContent()).toContain('the container exited with code 4');

    const sectionLink = page.locator('#section-link');
    expect(await sectionLink.textContent()).toBe('The check exits non-zero');
    await sectionLink.click();
    await page.waitForURL(`${server.url}/docs/RUN-demo#${ANCHOR}`);
    const heading = page.locator(`h3#${ANCHOR}`);
    expect(await heading.count()).toBe(1);
    expect(await heading.textContent()).toContain('The check exits non-zero');
    const top = await heading.evaluate((el) => el.getBoundingClientRect().top);
    // Scrolled to the top of the viewport (give or take sub-pixel rounding).
    expect(top).toBeGreaterThanOrEqual(-1);
    expect(top).toBeLessThan(page.viewportSize()!.height / 4);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    // The section says which incident it explains.
    expect(await page.locator(`aside.section-incidents[data-section="${ANCHOR}"] li[data-incident-id="${id}"]`).count()).toBe(1);
  });

  it('filters rows by status through the form', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.locator('select[name="status"]').selectOption('failing');
    await page.locator('form.dashboard-filters button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/dashboard' && url.searchParams.get('status') === 'failing');
    expect(await page.locator('tr.check-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.key))).toEqual(['RUN-demo/flaky@local']);
    expect(await page.locator('tr.check-row .check-status').allTextContents()).toEqual(['failing']);
    expect(await page.locator('select[name="status"]').inputValue()).toBe('failing');
    expect(await page.locator('#run-all').textContent()).toBe('Run all shown');
    expect(await page.locator('.dashboard-results').getAttribute('data-filters')).toBe('status=failing');

    await page.goto(`${server.url}/dashboard?status=passing`);
    expect(await page.locator('tr.check-row').count()).toBe(0);
    expect(await page.locator('p.empty').textContent()).toContain('No checks match');
  });

  it('"Run all" queues every runnable check and says how many', async () => {
    await page.goto(`${server.url}/dashboard`);
    expect(await page.locator('#run-all').textContent()).toBe('Run all');
    await page.locator('#run-all').click();
    const note = page.locator('#run-all-note');
    await page.waitForFunction(() => document.querySelector('#run-all-note')?.textContent !== '', undefined, { timeout: 10_000 });
    // flaky, quick and broken; the manual step is skipped.
    expect(await note.textContent()).toBe('queued 3, already running 0');

    const rows = await settle();
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey['RUN-demo/quick@local']!.status).toBe('passing');
    expect(byKey['RUN-demo/broken@local']!.status).toBe('failing');
    expect(byKey['RUN-demo/flaky@local']).toMatchObject({ status: 'failing', openIncidents: 1 });
    expect(byKey['RUN-demo/elsewhere@local']!.status).toBe('not runnable');

    // The open page caught up by itself.
    await row('RUN-demo/quick@local').locator('.check-status[data-status="passing"]').waitFor({ timeout: 10_000 });
    await row('RUN-demo/broken@local').locator('.check-status[data-status="failing"]').waitFor({ timeout: 10_000 });

    const runs = ((await (await fetch(`${server.url}/api/runs?doc=RUN-demo`)).json()) as { runs: Array<{ id: string; trigger: string; blockId: string }> }).runs;
    expect(runs.filter((r) => r.trigger === 'run-all').map((r) => r.blockId).sort()).toEqual(['RUN-demo/broken', 'RUN-demo/flaky', 'RUN-demo/quick']);
    for (const run of runs) runIds.add(run.id);
    await expectNothingLeftOfRuns(runIds);
  });

  // A regression test: this once went wrong.
  it("the incident list linked from a row shows only that check's incidents", async () => {
    await page.goto(`${server.url}/incidents?check=${encodeURIComponent('RUN-demo/flaky')}`);
    const checks = await page.locator('tr.incident-row td:nth-child(3)').allTextContents();
    expect(checks.length).toBeGreaterThan(0);
    expect(new Set(checks)).toEqual(new Set(['RUN-demo/flaky']));
  });
});
