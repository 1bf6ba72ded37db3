import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signIn } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { managedContainersFor, managedVolumesFor } from '../support/managed-containers.ts';
import { ensureRunnerImage } from '../support/runner-image.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let data: string;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureRunnerImage();
  data = mkdtempSync(path.join(tmpdir(), 'runbook-live-check-e2e-'));
  server = await startServer({ DOCS_DIR: path.join(ROOT, 'content'), SYSTEMS_CONFIG: path.join(ROOT, 'runbook-live.yaml'), DATA_DIR: data });
  browser = await launchBrowser();
  page = await browser.newPage();
  // Running needs the operator role: the page signs in as admin through the sign-in URL.
  await signIn(page, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(data, { recursive: true, force: true });
});

describe('the shipped contract smoke test in a real browser', () => {
  it('shows each assertion with its cited clause before running', async () => {
    await page.goto(`${server.url}/docs/RUN-runner-image`);
    const check = page.locator('[data-block-id="RUN-runner-image/contract-smoke"]');
    expect(await check.locator('.assertion').count()).toBe(12);
    expect(await check.locator('.assertion .verdict[data-status="pending"]').count()).toBe(12);
    expect(await check.locator('.citation.broken-link').count()).toBe(0);
    expect(await check.locator('.assertion', { hasText: 'artifacts stay under output/' }).locator('a.citation').getAttribute('href')).toBe('/docs/ADR-0015#artifact-path-safety');
  });

  it('runs it, shows every verdict, and the citation lands on the ADR section', async () => {
    await page.goto(`${server.url}/docs/RUN-runner-image`);
    const check = page.locator('[data-block-id="RUN-runner-image/contract-smoke"]');
    await check.locator('.run-button').click();
    await check.locator('.run-state[data-status="passed"]').waitFor({ timeout: 60_000 });
    expect(await check.locator('.assertion .verdict[data-status="passed"]').count()).toBe(12);
    expect(await check.locator('.assertion .verdict').allTextContents()).toEqual(Array(12).fill('✓'));
    const runId = (await check.locator('.run-link').getAttribute('href'))!.split('/').pop()!;
    expect(await managedContainersFor(runId)).toEqual([]);
    expect(await managedVolumesFor(runId)).toEqual([]);

    await check.locator('.assertion', { hasText: 'artifacts stay under output/' }).locator('a.citation').click();
    await page.waitForURL(`${server.url}/docs/ADR-0015#artifact-path-safety`);
    const heading = page.locator('h3#artifact-path-safety');
    expect(await heading.textContent()).toContain('Artifact path safety');
    const top = await heading.evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(page.viewportSize()!.height / 2);

    const verifier = page.locator('.verified-by .verifier[data-block-id="RUN-runner-image/contract-smoke"]');
    expect(await verifier.locator('.run-status-badge').textContent()).toBe('passed');
    expect(await verifier.locator('.clauses li').allTextContents()).toEqual([
      '✓the runner exits 0 after writing its result',
      '✓result.json is contract v2',
      '✓artifacts stay under output/',
      '✓the image is labelled with runner contract 2',
    ]);
  });

  it('reports a missing runner image as the failure, not as a wall of assertions', async () => {
    await page.goto(`${server.url}/docs/RUN-runner-image`);
    const check = page.locator('[data-block-id="RUN-runner-image/contract-smoke"]');
    await check.locator('.run-vars summary').click();
    await check.locator('input[name="RUNNER_IMAGE"]').fill('no-such-runner:never');
    await check.locator('.run-button').click();
    await check.locator('.run-state[data-status="failed"]').waitFor({ timeout: 30_000 });
    expect(await check.locator('.run-note').textContent()).toContain('Image "no-such-runner:never" does not exist');
    expect(await check.locator('.assertion .verdict[data-status="failed"]').count()).toBe(0);
  });
});
