import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { PageCache } from '../../../src/lib/app/index.ts';
import { DocsRepository } from '../../../src/lib/docs/index.ts';
import type { IncidentService } from '../../../src/lib/incidents/index.ts';
import { RunEvents, type RunbookRunService, type RunRecord } from '../../../src/lib/runs/index.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

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
});
