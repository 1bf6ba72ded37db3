import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/index.ts';
import { docSetChanges, DocsWatcher, repositoryPath, type DocSet, type DocsRepository, type GitHistory } from '../docs/index.ts';
import { answerFromCache, cachedAnswer, ResponseCache } from '../http/index.ts';
import type { IncidentService } from '../incidents/index.ts';
import type { LiveStreams, RunbookRunService, RunEvents } from '../runs/index.ts';
import { cachePolicy, CacheTags } from './cached-routes.ts';

/** How often a lookup asks whether another connection wrote the run database, in ms. */
const OTHERS_WRITES_EVERY_MS = 20;

/** Who is asking, as far as a cached page may differ by it. */
export interface Viewer {
  principal: Principal;
  csrfToken: string | null;
  /** The peer's address, as the principal was resolved from it. */
  clientAddress: string;
}

/** What the page cache needs to hear about. */
export interface PageCacheDeps {
  docs: DocsRepository;
  /** The repository's history: a doc page shows who last changed the doc, so it is dropped when that changes. */
  git?: GitHistory | null;
  events: RunEvents;
  runbooks: RunbookRunService;
  incidents: IncidentService;
  /** The live event streams, whose counts `/metrics` shows. */
  liveStreams?: LiveStreams;
  /**
   * A number that moves when another process (or thread) writes the run database: a CLI run in
   * the same data folder, its incident, a prune. Those send no events to this process, so each
   * lookup compares it and drops the run-state pages when it moved.
   */
  othersWriteVersion?: () => number;
  /** False to take the stamp check on every lookup instead of watching the folder. */
  watch?: boolean;
  /**
   * Whether a request without credentials can be answered before Astro (see `answerEarly`):
   * false when trusted proxies are configured, whose headers name other principals.
   */
  earlyAnswers: boolean;
}

// Headers that may name someone or change what a page says: a request carrying any of them
// takes the whole pipeline.
const PERSONAL_HEADERS = ['cookie', 'authorization', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port'];

/**
 * Rendered GET answers kept in front of Astro, for the pages everyone reads (the catalogue,
 * doc pages, the dashboard, badges, metrics, health).
 *
 * The key is the method, the path and query, and the viewer. Pages carry per-user bits (the
 * header names who is signed in, `<meta name="csrf-token">` holds the session's token), so the
 * viewer part of the key is the role, how they signed in, their name and their CSRF token:
 * two people never share an entry, and anonymous visitors from one address (the common case,
 * and what the benches measure) share one. Keeping per-user bits out of the HTML instead would
 * change every page's markup and script; this keeps the pages as they are.
 *
 * Entries are dropped by tag, precisely: an edited doc drops its page, the pages linking to it
 * or linked from it, and the catalogue-wide pages; a run queued, started or finished (and its
 * incident bookkeeping), a runbook run's step, or any change made through the API drops the
 * run-state pages. The docs folder is watched (`fs.watch`); each lookup first lets pending
 * events in (a poll of the event loop), and re-reads the folder only when an event came or
 * watching is not possible, in which case every lookup takes the stamp check, as before.
 *
 * A request with no credentials at all (no cookie, no Authorization, no forwarding headers,
 * not from a trusted proxy) is always the anonymous principal of its address, so its key is
 * the address and the Host instead, and the server's Node handler can answer it from the
 * cache before Astro parses anything (`answerEarly`). Such an entry exists only once the
 * whole pipeline (host check, principal, route permission) has answered that same key.
 */
export class PageCache {
  readonly cache = new ResponseCache();
  private readonly watcher: DocsWatcher | null;
  private readonly unsubscribe: Array<() => void>;
  private known: DocSet | null = null;
  private syncing: Promise<void> | null = null;
  private othersWrites: number | null = null;
  private othersWritesCheckedAt = -Infinity;
  private readonly deps: PageCacheDeps;

  constructor(deps: PageCacheDeps) {
    this.deps = deps;
    this.watcher = deps.watch === false ? null : new DocsWatcher(deps.docs.docsDir);
    const dropRunState = () => this.cache.invalidate(CacheTags.runs);
    this.unsubscribe = [
      deps.events.subscribeAll((_runId, event) => {
        if (event.type === 'log') return;
        dropRunState();
        // An incident is opened after the run's end is published: drop again once it is written.
        if (event.type === 'finished') void deps.incidents.settled().then(dropRunState);
      }),
      deps.runbooks.subscribeAll(dropRunState),
      ...(deps.liveStreams ? [deps.liveStreams.onChange(() => this.cache.invalidate(CacheTags.streams))] : []),
      ...(deps.git ? [deps.git.onChange((paths) => this.dropDocPages(paths))] : []),
    ];
  }

  /** Whether the docs folder is being watched (false: the stamp check on every lookup). */
  get watching(): boolean {
    return this.watcher?.watching ?? false;
  }

  /**
   * Answers a GET from the cache, or renders it with `render` and keeps the result when it
   * may be kept. Anything the cache does not cover goes straight to `render`.
   */
  async serve(request: Request, url: URL, viewer: Viewer, render: () => Promise<Response>): Promise<Response> {
    const policy = request.method === 'GET' && !url.searchParams.has('token') ? cachePolicy(url.pathname) : null;
    if (!policy) return render();
    await this.syncDocs();
    this.syncRunState();
    const anonymous = this.earlyKey(url, (name) => request.headers.get(name), viewer.clientAddress);
    const key = anonymous ?? `${url.pathname}?${sortedQuery(url)}#${viewerKey(viewer)}`;
    const hit = this.cache.get(key);
    if (hit) return answerFromCache(hit, request);
    const ticket = this.cache.ticket(policy.tags);
    const response = await render();
    const entry = await this.cache.store(key, response, ticket, policy.ttlMs);
    return entry ? answerFromCache(entry, request) : response;
  }

  /**
   * Answers a GET straight from the Node request when it carries no credentials and its
   * entry is kept; false (nothing written) sends it on to Astro, which does everything else.
   */
  async answerEarly(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'GET' || !this.deps.earlyAnswers || !req.url || !req.headers.host) return false;
    const url = new URL(req.url, 'http://early.invalid');
    if (url.searchParams.has('token') || !cachePolicy(url.pathname)) return false;
    const header = (name: string) => {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    };
    const key = this.earlyKey(url, header, req.socket.remoteAddress ?? '');
    if (!key) return false;
    await this.syncDocs();
    this.syncRunState();
    const entry = this.cache.get(key);
    if (!entry) return false;
    const answer = await cachedAnswer(entry, 'GET', header);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body ?? undefined);
    return true;
  }

  /**
   * The docs as the cache last read them, brought up to the folder first as every lookup is:
   * pending file events let in, the folder read again only when one came (or when it cannot be
   * watched). For readers of the whole doc set, such as search, that should not list and stat
   * every file on each request when nothing changed.
   */
  async docSet(): Promise<DocSet> {
    await this.syncDocs();
    return this.known ?? this.deps.docs.current();
  }

  /** A change went through the API (an incident acknowledged, a run started): run-state pages are dropped. */
  changed(): void {
    this.cache.invalidate(CacheTags.runs);
  }

  /** Stops watching and listening. */
  close(): void {
    this.watcher?.stop();
    for (const stop of this.unsubscribe) stop();
  }

  /** Drops the run-state pages when another connection wrote the run database since the last look. */
  private syncRunState(): void {
    // The pragma costs about 2.5 µs, a tenth of a cached answer: asked at most every 20 ms,
    // which no process starting, running a check and writing it can beat.
    const now = performance.now();
    if (now - this.othersWritesCheckedAt < OTHERS_WRITES_EVERY_MS) return;
    this.othersWritesCheckedAt = now;
    const version = this.deps.othersWriteVersion?.();
    if (version === undefined || version === this.othersWrites) return;
    if (this.othersWrites !== null) this.cache.invalidate(CacheTags.runs);
    this.othersWrites = version;
  }

  // Pending file events are let in first, so an edit whose event is already queued (a test
  // writes, then GETs) is seen before the lookup. Concurrent lookups share one re-read.
  private async syncDocs(): Promise<void> {
    // HEAD is looked at here too (cheaply, at most once a second), since a page answered from
    // the cache renders nothing that would notice a pull.
    this.deps.git?.poll();
    // One immediate: a request is handled in the poll phase, in the batch of ready handles that
    // also holds the docs watch when an edit came before the request (the kernel queues the
    // watch event at the write, before the request's bytes exist), so the check phase after
    // that batch has seen the edit. A second hop cost a third of the throughput of cached answers.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.watcher) {
      const named = this.watcher.take();
      if (named === null && this.known) return;
      // The named files are read again even if their stamps look unchanged.
      if (named && named.length > 0) this.deps.docs.forget(named);
    }
    this.syncing ??= this.readDocs().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async readDocs(): Promise<void> {
    const next = await this.deps.docs.current();
    if (next === this.known) return;
    const changes = docSetChanges(this.known, next);
    const first = this.known === null;
    this.known = next;
    if (first) return;
    if (changes.kind === 'all') return this.cache.invalidateAll();
    if (changes.kind === 'some') for (const id of changes.ids) this.cache.invalidate(CacheTags.doc(id));
    // Any change to the folder (a new image, a finding) can show in the catalogue-wide pages.
    this.cache.invalidate(CacheTags.catalogue);
  }

  // A walk of a new HEAD was swapped in: the pages of the docs whose last commit changed go.
  private dropDocPages(repositoryPaths: ReadonlySet<string>): void {
    if (!this.known) return this.cache.invalidateAll();
    for (const doc of this.known.docs) {
      if (repositoryPaths.has(repositoryPath(this.known.location, doc.path))) this.cache.invalidate(CacheTags.doc(doc.id));
    }
  }

  // The key of a request without credentials: its address (which alone decides its anonymous
  // principal) and its Host (which passed the host check), or null for any other request.
  private earlyKey(url: URL, header: (name: string) => string | null, clientAddress: string): string | null {
    if (!this.deps.earlyAnswers || PERSONAL_HEADERS.some((name) => header(name) !== null)) return null;
    return `${url.pathname}?${sortedQuery(url)}#anonymous@${clientAddress}@${header('host') ?? ''}`;
  }
}

function viewerKey({ principal, csrfToken }: Viewer): string {
  return createHash('sha256').update(JSON.stringify([principal.role, principal.via, principal.name, csrfToken])).digest('base64url');
}

function sortedQuery(url: URL): string {
  const params = new URLSearchParams(url.searchParams);
  params.sort();
  return params.toString();
}
