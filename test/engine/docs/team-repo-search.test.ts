import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../support/server.ts';
import { makeTeamRepo, type TeamRepo } from '../../support/team-repo.ts';

// Search on a team's own tree of about 400 docs, through the built server: the index is made on
// the first search and follows edits and deletions one doc at a time.
let repo: TeamRepo;
let work: string;
let server: RunningServer;

interface Hit { id: string; title: string; type: string | null; status: string | null; owners: string[]; href: string; heading: string | null; anchor: string | null; snippet: string }
interface Answer { query: string; total: number; hits: Hit[]; facets: Record<'type' | 'status' | 'owner', Array<{ value: string; count: number }>> }

beforeAll(async () => {
  repo = makeTeamRepo();
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-team-search-'));
  server = await startServer({ DOCS_DIR: repo.docsDir, DATA_DIR: path.join(work, 'data') });
});

afterAll(async () => {
  await server?.stop();
  repo?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

async function search(query: string): Promise<Answer> {
  const response = await fetch(`${server.url}/api/search?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Answer;
}

/** A runbook of the generated bulk, its repository path, and its text. */
async function someRunbook(): Promise<{ id: string; file: string; source: string }> {
  const api = (await (await fetch(`${server.url}/api/docs`)).json()) as { docs: Array<{ id: string; path: string }> };
  const found = api.docs.find((d) => d.path.startsWith('runbooks/runbook-') && d.id.endsWith('-restart'))!;
  const file = `docs/${found.path}`;
  return { id: found.id, file, source: readFileSync(path.join(repo.root, file), 'utf8') };
}

describe('search on a team repository', () => {
  it('finds the words of a fenced command, under the heading above it, with every runbook counted', async () => {
    const answer = await search('q=kubectl+rollout&limit=5');
    const runbooks = (await (await fetch(`${server.url}/api/docs`)).json() as { docs: Array<{ path: string }> }).docs.filter((d) => d.path.startsWith('runbooks/runbook-'));
    // Every generated runbook runs `kubectl … rollout status` in its Steps; the named ones do not.
    expect(answer.total).toBeGreaterThan(30);
    expect(answer.total).toBeLessThanOrEqual(runbooks.length);
    expect(answer.hits).toHaveLength(5);
    for (const hit of answer.hits) {
      expect(hit.heading).toBe('Steps');
      expect(hit.href).toBe(`/docs/${encodeURIComponent(hit.id)}#steps`);
      expect(hit.snippet).toContain('<mark>kubectl</mark>');
    }
    expect(answer.facets.type).toEqual([{ value: 'runbook', count: answer.total }]);
  });

  it('filters by type, status and owner', async () => {
    const all = await search('q=ledger');
    const runbooks = await search('q=ledger&type=runbook&limit=100');
    expect(runbooks.total).toBe(all.facets.type.find((f) => f.value === 'runbook')!.count);
    expect(runbooks.hits.every((hit) => hit.type === 'runbook')).toBe(true);
    const owner = all.facets.owner[0]!.value;
    const owned = await search(`q=ledger&owner=${owner}&status=active&limit=100`);
    expect(owned.total).toBeGreaterThan(0);
    expect(owned.hits.every((hit) => hit.owners.includes(owner) && hit.status === 'active')).toBe(true);
  });

  it('finds an edited doc’s new word on the next search, and no longer its old one', async () => {
    const { id, file, source } = await someRunbook();
    expect((await search(`q=${encodeURIComponent(id)}`)).hits.map((hit) => hit.id)).toContain(id);
    expect((await search('q=zephyrine')).total).toBe(0);
    repo.write(file, source.replace('## After\n', '## After\n\nWatch the zephyrine gauge until it settles.\n\n## Escalation\n\nPage the owner.\n'));
    const found = await search('q=zephyrine');
    expect(found.hits.map((hit) => [hit.id, hit.heading, hit.href])).toEqual([[id, 'After', `/docs/${id}#after`]]);
    expect(found.hits[0]!.snippet).toBe('Watch the <mark>zephyrine</mark> gauge until it settles.');
    repo.write(file, source.replace('## After\n', '## After\n\nWatch the quillwort gauge.\n'));
    expect((await search('q=zephyrine')).total).toBe(0);
    expect((await search('q=quillwort')).hits.map((hit) => hit.id)).toEqual([id]);
  });

  it('forgets a deleted doc', async () => {
    const { id, file, source } = await someRunbook();
    repo.write(file, source.replace('## After\n', '## After\n\nThe marzipan switch is in rack four.\n'));
    expect((await search('q=marzipan')).hits.map((hit) => hit.id)).toEqual([id]);
    repo.remove(file);
    expect((await search('q=marzipan')).total).toBe(0);
    expect((await search(`q=${encodeURIComponent(id)}`)).hits.map((hit) => hit.id)).not.toContain(id);
  });

  it('answers an empty search with no hits, and a bad query string with a 400 naming the field', async () => {
    expect(await search('q=')).toMatchObject({ total: 0, hits: [] });
    const response = await fetch(`${server.url}/api/search?q=x&limit=0`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'InvalidSearchQuery', message: 'Invalid search query: limit: Too small: expected number to be >=1 (sent limit="0"); expected q (up to 500 characters), type, status, owner, limit (1 to 100) and offset (0 to 10000).' });
  });

  it('renders the search page with marked snippets, filters with counts, and the text in the header box', async () => {
    const response = await fetch(`${server.url}/search?q=kubectl`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<p class="search-snippet">[^<]*<mark>kubectl<\/mark>/);
    expect(html).toMatch(/<option value="runbook">runbook \(\d+\)<\/option>/);
    expect(html).toContain('<input type="search" name="q" value="kubectl" aria-label="Search the docs" placeholder="Search docs…">');
    const bad = await fetch(`${server.url}/search?q=x&offset=-1`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Invalid search query: offset: Too small');
  });
});
