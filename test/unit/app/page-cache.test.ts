import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PageCache } from '../../../src/lib/app/index.ts';
import { DocsRepository, GitHistory } from '../../../src/lib/docs/index.ts';
import type { IncidentService } from '../../../src/lib/incidents/index.ts';
import { RunEvents, type RunbookRunService, type RunRecord } from '../../../src/lib/runs/index.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';
import { AUTHORS, makeGitRepo } from '../../support/git-repo.ts';

// PageCache over a real docs folder: the watched path and the stamp-check path must both show
// an edit on the very next lookup.
let docs: TempDocs | null = null;
let cache: PageCache | null = null;
afterEach(() => {
  cache?.close();
  docs?.cleanup();
});

const runbook = (id: string, title: string) => doc({ type: 'runbook', id, title, status: 'active', owners: 'qa', created: '2026-11-26' });
const viewer = { principal: { name: 'anonymous@127.0.0.1', role: 'viewer' as const, via: 'anonymous' as const }, csrfToken: 'c', clientAddress: '127.0.0.1' };

function setUp(watch: boolean) {
  docs = makeTempDocs();
  docs.write('runbooks/a.md', runbook('RUN-a', 'A one'));
  docs.write('runbooks/b.md', runbook('RUN-b', 'B one'));
  const repository = new DocsRepository(docs.dir);
  const events = new RunEvents();
  const runbooks = { subscribeAll: () => () => {} } as unknown as RunbookRunService;
  const incidents = { settled: () => Promise.resolve() } as unknown as IncidentService;
  cache = new PageCache({ docs: repository, events, runbooks, incidents, watch, earlyAnswers: true });
  let renders = 0;
  const serve = async (route: string) => {
    const url = new URL(`http://127.0.0.1:4321${route}`);
    const request = new Request(url, { headers: { host: url.host } });
    const response = await cache!.serve(request, url, viewer, async () => {
      renders++;
      const set = await repository.current();
      return new Response(set.byId.get(route.split('/').pop()!)?.title ?? 'none', { headers: { 'content-type': 'text/html' } });
    });
    return { text: await response.text(), etag: response.headers.get('etag') };
  };
  return { serve, events, renders: () => renders };
}

describe('PageCache', () => {
  for (const watch of [true, false]) {
    it(`shows an edit on the next lookup and keeps other pages (${watch ? 'watching the folder' : 'stamp check'})`, async () => {
      const { serve, renders } = setUp(watch);
      expect(cache!.watching).toBe(watch);
      expect((await serve('/docs/RUN-a')).text).toBe('A one');
      const b = await serve('/docs/RUN-b');
      await serve('/docs/RUN-a');
      expect(renders()).toBe(2);
      docs!.write('runbooks/a.md', runbook('RUN-a', 'A two'));
      expect((await serve('/docs/RUN-a')).text).toBe('A two');
      expect((await serve('/docs/RUN-b')).etag).toBe(b.etag);
      expect(renders()).toBe(3);
    });
  }

  for (const watch of [true, false]) {
    it(`hands readers of the whole doc set the folder as it is now, re-read only after a change (${watch ? 'watching the folder' : 'stamp check'})`, async () => {
      setUp(watch);
      const first = await cache!.docSet();
      expect(first.byId.get('RUN-a')?.title).toBe('A one');
      expect(await cache!.docSet()).toBe(first);
      docs!.write('runbooks/a.md', runbook('RUN-a', 'A two'));
      const next = await cache!.docSet();
      expect(next.byId.get('RUN-a')?.title).toBe('A two');
      // The file that did not change keeps its record, which search and renderers key on.
      expect(next.byId.get('RUN-b')).toBe(first.byId.get('RUN-b'));
    });
  }

  it('follows a docs folder removed and made again (a new folder, often with the old inode number, that the old watch never hears of)', async () => {
    const { serve } = setUp(true);
    expect((await serve('/docs/RUN-a')).text).toBe('A one');
    rmSync(docs!.dir, { recursive: true });
    mkdirSync(docs!.dir);
    docs!.write('runbooks/a.md', runbook('RUN-a', 'A again'));
    expect((await serve('/docs/RUN-a')).text).toBe('A again');
    expect(cache!.watching).toBe(true);
    docs!.write('runbooks/a.md', runbook('RUN-a', 'A third'));
    expect((await serve('/docs/RUN-a')).text).toBe('A third');
  });

  it('drops run-state pages on a run event, but not on a log line', async () => {
    const { serve, events, renders } = setUp(true);
    await serve('/dashboard');
    events.publish('r1', { type: 'log', line: { seq: 1, stream: 'stdout', text: 'x', at: '' } as never });
    await serve('/dashboard');
    expect(renders()).toBe(1);
    events.publish('r1', { type: 'started', run: {} as RunRecord });
    await serve('/dashboard');
    expect(renders()).toBe(2);
  });

  it('renders what it does not cover every time: other methods, unlisted paths, sign-in links', async () => {
    const { serve, renders } = setUp(true);
    for (const route of ['/runs', '/runs', '/docs/RUN-a?token=abc', '/docs/RUN-a?token=abc', '/api/events', '/api/events']) await serve(route);
    expect(renders()).toBe(6);
  });

  it('drops the page of a doc whose last commit changed once the new HEAD is walked, and keeps the others', async () => {
    const repo = makeGitRepo();
    const docsDir = path.join(repo.root, 'docs');
    repo.write('docs/runbooks/a.md', runbook('RUN-a', 'A one'));
    repo.write('docs/runbooks/b.md', runbook('RUN-b', 'B one'));
    repo.commit('Add both', AUTHORS.alice);
    const repository = new DocsRepository(docsDir);
    const git = new GitHistory(repository.location, { recheckMs: 0 });
    const runbooks = { subscribeAll: () => () => {} } as unknown as RunbookRunService;
    const incidents = { settled: () => Promise.resolve() } as unknown as IncidentService;
    cache = new PageCache({ docs: repository, git, events: new RunEvents(), runbooks, incidents, earlyAnswers: true });
    let renders = 0;
    const serve = async (route: string) => {
      const url = new URL(`http://127.0.0.1:4321${route}`);
      const response = await cache!.serve(new Request(url, { headers: { host: url.host } }), url, viewer, async () => {
        renders++;
        const set = await repository.current();
        const found = set.byId.get(route.split('/').pop()!)!;
        return new Response(git.lastCommit(`docs/${found.path}`)?.author ?? 'not known yet', { headers: { 'content-type': 'text/html' } });
      });
      return { text: await response.text(), etag: response.headers.get('etag') };
    };
    try {
      // The first page asks before the walk is done, and is dropped when it is.
      expect((await serve('/docs/RUN-a')).text).toBe('not known yet');
      await git.idle();
      expect((await serve('/docs/RUN-a')).text).toBe(AUTHORS.alice.name);
      const b = await serve('/docs/RUN-b');
      expect(b.text).toBe(AUTHORS.alice.name);
      expect(renders).toBe(3);

      // A commit that changes a.md in the repository but not on disk: the docs folder hears
      // nothing, so only the new HEAD's walk can drop the page. Only a's page is dropped.
      const blob = execFileSync('git', ['-C', repo.root, 'hash-object', '-w', '--stdin'], { input: runbook('RUN-a', 'A two'), encoding: 'utf8' }).trim();
      repo.git('update-index', '--cacheinfo', `100644,${blob},docs/runbooks/a.md`);
      repo.commit('Rewrite A', AUTHORS.carol, { stageAll: false });
      expect((await serve('/docs/RUN-a')).text).toBe(AUTHORS.alice.name);
      await git.idle();
      expect((await serve('/docs/RUN-a')).text).toBe(AUTHORS.carol.name);
      expect((await serve('/docs/RUN-b')).etag).toBe(b.etag);
      expect(renders).toBe(4);
    } finally {
      repo.cleanup();
    }
  });
});
