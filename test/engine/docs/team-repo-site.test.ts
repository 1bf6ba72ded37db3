import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../support/server.ts';
import { makeTeamRepo, type TeamRepo } from '../../support/team-repo.ts';

// The site on a team's own tree: hundreds of docs in nested type folders, types runbook-live
// never shipped, exempt files, and references to files outside the docs folder.
let repo: TeamRepo;
let work: string;
let server: RunningServer;

beforeAll(async () => {
  repo = makeTeamRepo();
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-team-site-'));
  const systems = path.join(work, 'runbook-live.yaml');
  writeFileSync(systems, 'repo:\n  url: https://git.example/ledger/blob/main/{path}\n');
  server = await startServer({ DOCS_DIR: repo.docsDir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: systems });
});

afterAll(async () => {
  await server?.stop();
  repo?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const get = async (route: string) => {
  const response = await fetch(`${server.url}${route}`);
  return { status: response.status, text: await response.text() };
};

describe('the site on a team repository', () => {
  it('lists every doc with frontmatter in the catalogue, grouped by the contract’s own types, and none of the exempt files', async () => {
    const { status, text } = await get('/');
    expect(status).toBe(200);
    const rows = text.match(/<tr class="doc-row/g) ?? [];
    expect(rows.length).toBe(repo.docFiles.length - 1); // one of the duplicate ids is shown once
    for (const type of ['story', 'epic', 'prd', 'release', 'template']) expect(text).toContain(`data-group="${type}"`);
  });

  it('narrows the catalogue to a nested folder', async () => {
    const { text } = await get('/?folder=reference/reports');
    const reports = repo.docFiles.filter((file) => file.startsWith('docs/reference/reports/'));
    expect((text.match(/<tr class="doc-row/g) ?? []).length).toBe(reports.length);
    expect(text).toContain('Only docs under <code>reference/reports/</code>');
  });

  it('renders a doc in a nested folder, linking repository files outside the docs to the web view', async () => {
    const api = JSON.parse((await get('/api/docs')).text) as { docs: Array<{ id: string; path: string }> };
    const failover = api.docs.find((d) => d.path === 'runbooks/runbook-ledger-failover.md')!;
    const { status, text } = await get(`/docs/${failover.id}`);
    expect(status).toBe(200);
    expect(text).toContain('href="https://git.example/ledger/blob/main/.agent/handoff.md"');
    const story = api.docs.find((d) => d.path.startsWith('backlog/stories/'))!;
    expect((await get(`/docs/${encodeURIComponent(story.id)}`)).status).toBe(200);
  });

  it('groups the findings on the health page by severity and rule', async () => {
    const { text } = await get('/health');
    expect(text).toContain('data-severity="warning"');
    expect(text).toContain('data-rule="broken-link"');
    expect(text).toContain('data-rule="unknown-contract-key"');
    expect(text).not.toContain('data-severity="error"');
  });
});
