import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signIn } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';
import { managedContainersFor } from '../support/managed-containers.ts';

const TICKER = [
  '```bash { name=ticker }',
  `docker run --rm --network none python:3.13-slim python3 -u -c "import time; [(print('tick', i, flush=True), time.sleep(1)) for i in range(4)]"`,
  '```',
].join('\n');
const COLOURS = ['```bash { name=colours }', `docker run --rm python:3.13-slim python3 -c "print('\\033[31m<b>red</b>\\033[0m plain')"`, '```'].join('\n');

let docs: TempDocs;
let work: string;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-stream-'));
  writeFileSync(path.join(work, 'systems.yaml'), `systems:\n  demo:\n    dir: ${work}\n`);
  docs = makeTempDocs();
  docs.write(
    'runbooks/runbook-demo.md',
    doc({ type: 'runbook', id: 'RUN-demo', title: 'Demo', status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, `## Tick\n\n${TICKER}\n\n## Colours\n\n${COLOURS}\n\n## Elsewhere\n\n\`\`\`bash\nssh prod "docker ps"\n\`\`\`\n`),
  );
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
});

describe('running a block from the doc page', () => {
  it('streams the first line into the page before the run finishes', async () => {
    await page.goto(`${server.url}/docs/RUN-demo`);
    const block = page.locator('[data-block-id="RUN-demo/ticker"]');
    await block.locator('.run-button').click();
    const firstLine = block.locator('.run-output .log-stdout', { hasText: 'tick 0' });
    await firstLine.waitFor({ timeout: 20_000 });
    expect(await block.locator('.run-state').textContent()).toBe('running');
    expect(await block.locator('.run-output .log-stdout', { hasText: 'tick 3' }).count()).toBe(0);

    await block.locator('.run-state[data-status="passed"]').waitFor({ timeout: 20_000 });
    expect(await block.locator('.run-output .log-stdout').allTextContents()).toEqual(['tick 0\n', 'tick 1\n', 'tick 2\n', 'tick 3\n']);
    const runId = (await block.locator('.run-link').getAttribute('href'))!.split('/').pop()!;
    expect(await managedContainersFor(runId)).toEqual([]);

    await block.locator('.run-link').click();
    await page.waitForURL(`${server.url}/runs/${runId}`);
    expect(await page.locator('#run-status').textContent()).toBe('passed');
    expect(await page.locator('.run-log .log-stdout').allTextContents()).toContain('tick 3\n');
  });

  it('renders ANSI colours from container output without letting it add markup', async () => {
    await page.goto(`${server.url}/docs/RUN-demo`);
    const block = page.locator('[data-block-id="RUN-demo/colours"]');
    await block.locator('.run-button').click();
    await block.locator('.run-state[data-status="passed"]').waitFor({ timeout: 20_000 });
    const line = block.locator('.run-output .log-stdout').first();
    expect(await line.textContent()).toBe('<b>red</b> plain\n');
    expect(await line.locator('b').count()).toBe(0);
    expect(await line.locator('span[style*="color"]').count()).toBe(1);
  });

  it('shows commands it cannot run faithfully as manual steps with the reason', async () => {
    await page.goto(`${server.url}/docs/RUN-demo`);
    const manual = page.locator('.procedure.manual');
    expect(await manual.count()).toBe(1);
    expect(await manual.locator('.manual-reason').textContent()).toContain('ssh is not supported');
    expect(await manual.locator('.run-button').count()).toBe(0);
    expect(await manual.locator('.copy-button').count()).toBe(1);
  });
});
