import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../support/browser.ts';
import { AUTHORS, makeGitRepo, type TempGitRepo } from '../../support/git-repo.ts';
import { pollUntil } from '../../support/poll.ts';
import { startServer, type RunningServer } from '../../support/server.ts';
import { doc } from '../../support/temp-docs.ts';

// The built server on a real repository with two commits by different authors: each doc page
// says when it was last updated and by whom, and links to its edit and history pages.
let repo: TempGitRepo;
let work: string;
let server: RunningServer;
let browser: Browser | null = null;

const reference = (id: string, title: string, extra: Record<string, unknown> = {}) => doc({ type: 'reference', id, title, status: 'active', owners: 'ops', created: '2026-01-01', ...extra });
const FILES = {
  pager: 'docs/reference/on call/ref-pager.md',
  queues: 'docs/adr/adr-0001-queues.md',
  glossary: 'docs/reference/ref-glossary.md',
  draft: 'docs/reference/ref-draft.md',
};

beforeAll(async () => {
  repo = makeGitRepo();
  repo.write(FILES.pager, reference('REF-pager', 'Pager'));
  repo.write(FILES.queues, doc({ type: 'adr', id: 'ADR-0001', title: 'Queues', status: 'accepted', owners: 'ops', created: '2026-01-01' }));
  repo.write(FILES.glossary, reference('REF-glossary', 'Glossary'));
  repo.commit('Add the docs', AUTHORS.alice);
  repo.write(FILES.pager, reference('REF-pager', 'Pager', { summary: 'who is paged' }));
  // Bob commits in February, but the frontmatter says April: the later day is shown.
  repo.write(FILES.glossary, reference('REF-glossary', 'Glossary', { updated: '2026-04-01' }));
  repo.commit('Page the right people', AUTHORS.bob);
  repo.write(FILES.draft, reference('REF-draft', 'Draft', { updated: '2026-03-03' }));
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-git-site-'));
  const systems = path.join(work, 'runbook-live.yaml');
  writeFileSync(systems, 'repo:\n  edit_url: https://git.example/org/ops/edit/main/{path}\n  history_url: https://git.example/org/ops/commits/main/{path}\n');
  server = await startServer({ DOCS_DIR: path.join(repo.root, 'docs'), DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: systems });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  repo?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The doc page's "Last updated" line as text, and its two links. */
async function sourceLine(id: string): Promise<{ text: string | null; edit: string | null; history: string | null }> {
  const response = await fetch(`${server.url}/docs/${id}`);
  expect(response.status).toBe(200);
  const html = await response.text();
  const line = /<p class="doc-source[^"]*">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? null;
  return {
    text: line && /class="last-updated"/.test(line) ? line.replace(/<a [\s\S]*?<\/a>/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() : null,
    edit: /<a class="edit-link[^"]*" href="([^"]+)"/.exec(line ?? '')?.[1] ?? null,
    history: /<a class="history-link[^"]*" href="([^"]+)"/.exec(line ?? '')?.[1] ?? null,
  };
}

/** Polls a doc page until its line says what `want` matches: the history is walked in the background. */
const lineOf = (id: string, want: RegExp) => {
  let last: string | null = null;
  return pollUntil(
    () => `/docs/${id} to say ${want}; it said ${JSON.stringify(last)}`,
    async () => {
      const line = await sourceLine(id);
      last = line.text;
      return line.text !== null && want.test(line.text) ? line : null;
    },
  );
};

describe('git metadata on doc pages', () => {
  it('shows the last commit that touched each file, with its author, and the edit and history links with the path encoded', async () => {
    const pager = await lineOf('REF-pager', /by/);
    expect(pager.text).toBe('Last updated 2026-02-20 by Bob Builder');
    expect(pager.edit).toBe('https://git.example/org/ops/edit/main/docs/reference/on%20call/ref-pager.md');
    expect(pager.history).toBe('https://git.example/org/ops/commits/main/docs/reference/on%20call/ref-pager.md');
    const queues = await lineOf('ADR-0001', /by/);
    expect(queues.text).toBe('Last updated 2026-01-10 by Alice Ærø');
    expect(queues.history).toBe('https://git.example/org/ops/commits/main/docs/adr/adr-0001-queues.md');
  });

  it('shows a later frontmatter `updated` without an author, and a file never committed by its frontmatter alone', async () => {
    await lineOf('REF-pager', /by/);
    expect((await sourceLine('REF-glossary')).text).toBe('Last updated 2026-04-01');
    expect((await sourceLine('REF-draft')).text).toBe('Last updated 2026-03-03');
  });

  it('follows HEAD: a commit that changes nothing on disk still changes the cached page', async () => {
    await lineOf('ADR-0001', /Alice/);
    const blob = execFileSync('git', ['-C', repo.root, 'hash-object', '-w', '--stdin'], { input: '# rewritten in the index only\n', encoding: 'utf8' }).trim();
    repo.git('update-index', '--cacheinfo', `100644,${blob},${FILES.queues}`);
    repo.commit('Rewrite the queues ADR', AUTHORS.carol, { stageAll: false });
    expect((await lineOf('ADR-0001', /Carol/)).text).toBe('Last updated 2026-03-05 by Carol');
    expect((await sourceLine('REF-pager')).text).toBe('Last updated 2026-02-20 by Bob Builder');
  });

  it('reads as one line in a real browser, with working links', async () => {
    await lineOf('REF-pager', /by/);
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs/REF-pager`);
    const line = page.locator('.doc-head .doc-source');
    expect(await line.locator('.last-updated').innerText()).toBe('Last updated 2026-02-20 by Bob Builder');
    expect(await line.locator('time').getAttribute('datetime')).toBe('2026-02-20T18:30:00-05:00');
    expect(await line.getByRole('link', { name: 'Edit this page' }).getAttribute('href')).toBe('https://git.example/org/ops/edit/main/docs/reference/on%20call/ref-pager.md');
    expect(await line.getByRole('link', { name: 'History' }).isVisible()).toBe(true);
    // The separators are the stylesheet's, between the parts.
    expect(await line.locator('.edit-link').evaluate((element) => getComputedStyle(element, '::before').content)).toBe('" · "');
    await page.close();
  });
});
