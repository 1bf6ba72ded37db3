import { createHash } from 'node:crypto';
import { securityHeadersFor } from './security-headers.ts';
import { encodeBody, isCompressible, MIN_COMPRESSIBLE_BYTES, preferredEncoding, type BodyEncoding } from './content-encoding.ts';

/** One rendered answer, kept as bytes with its headers (a page's CSP hashes belong to its HTML). */
export interface CachedResponse {
  status: number;
  /** The headers as rendered, minus those that describe one transfer (length, encoding). */
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** Weak, from the body's bytes: the same for every encoding of them, as weak validators may be. */
  etag: string;
  tags: readonly string[];
  expiresAt: number | null;
  /** Compressed copies, made on the first request that accepts each encoding. */
  encoded: Map<BodyEncoding, Promise<Uint8Array>>;
  /** The headers of each kind of answer (plain, each encoding, 304), made once. */
  variants: Map<string, Record<string, string>>;
}

/** Where every tag a render depends on stood when it began; see `ResponseCache.ticket`. */
export interface CacheTicket {
  generations: number[];
  tags: readonly string[];
}

/** Limits of a response cache. */
export interface ResponseCacheOptions {
  /** Entries kept at most; the least recently used go first. */
  maxEntries?: number;
  /** Body bytes kept at most (compressed copies not counted). */
  maxBytes?: number;
  now?: () => number;
}

// Headers that describe one transfer of the bytes, not the bytes: recomputed on every answer.
const TRANSFER_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'etag', 'vary', 'date', 'connection', 'keep-alive']);

/**
 * Rendered responses by key, invalidated by tag. A render takes a ticket of its tags'
 * generations before it starts and `store` refuses its result when any tag was invalidated
 * meanwhile, so a page rendered from a doc that changed mid-render is never kept.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly keysByTag = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private bytes = 0;

  constructor(options: ResponseCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 2_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  /** How many entries are kept now. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry for a key, if kept and not expired; marks it recently used. */
  get(key: string): CachedResponse | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.delete(key);
      return null;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Taken before rendering: where the tags stood. */
  ticket(tags: readonly string[]): CacheTicket {
    return { tags, generations: tags.map((tag) => this.generations.get(tag) ?? 0) };
  }

  /**
   * The response as an entry, kept under the key unless a ticketed tag moved since; null
   * (and the response untouched) for one that must not be cached: not a 200, setting a
   * cookie, marked `no-store`, or a stream of events.
   */
  async store(key: string, response: Response, ticket: CacheTicket, ttlMs: number | null): Promise<CachedResponse | null> {
    if (!isCacheable(response)) return null;
    const body = new Uint8Array(await response.arrayBuffer());
    const headers: Array<[string, string]> = [];
    response.headers.forEach((value, name) => {
      if (!TRANSFER_HEADERS.has(name)) headers.push([name, value]);
    });
    const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const entry: CachedResponse = { status: response.status, headers, body, etag, tags: ticket.tags, expiresAt: ttlMs === null ? null : this.now() + ttlMs, encoded: new Map(), variants: new Map() };
    const stale = ticket.tags.some((tag, i) => (this.generations.get(tag) ?? 0) !== ticket.generations[i]);
    if (!stale && body.byteLength <= this.maxBytes / 8) this.keep(key, entry);
    return entry;
  }

  /** Drops every entry carrying the tag, and refuses renders that began before this. */
  invalidate(tag: string): void {
    this.generations.set(tag, (this.generations.get(tag) ?? 0) + 1);
    const keys = this.keysByTag.get(tag);
    if (!keys) return;
    for (const key of [...keys]) this.delete(key);
  }

  /** Drops everything (a changed contract, an unwatchable folder read anew). */
  invalidateAll(): void {
    for (const tag of [...this.generations.keys(), ...this.keysByTag.keys()]) this.invalidate(tag);
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  private keep(key: string, entry: CachedResponse): void {
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.body.byteLength;
    for (const tag of entry.tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.body.byteLength;
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }
}

/** Whether a rendered response may be kept and answered to someone else with the same key. */
export function isCacheable(response: Response): boolean {
  if (response.status !== 200 || response.headers.has('set-cookie') || response.bodyUsed) return false;
  if (/no-store/i.test(response.headers.get('cache-control') ?? '')) return false;
  return !(response.headers.get('content-type') ?? '').startsWith('text/event-stream');
}

/** Whether `If-None-Match` names the entry (weak comparison, as RFC 9110 asks for it). */
export function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/** An answer made from an entry, before it is written as a Response or to a Node socket. */
export interface CachedAnswer {
  status: number;
  /** Shared by every answer of this entry in this encoding: read, never change. */
  headers: Readonly<Record<string, string>>;
  body: Uint8Array | null;
}

/**
 * The answer to a request from an entry: 304 when the client holds these bytes already,
 * else the bytes in the best encoding the client accepts (compressed once, then kept). The
 * security headers the entry lacks are filled in, as `withSecurityHeaders` would. Each
 * variant's headers are worked out once per entry.
 */
export async function cachedAnswer(entry: CachedResponse, method: string, header: (name: string) => string | null): Promise<CachedAnswer> {
  const compressible = isCompressible(entry.headers.find(([name]) => name === 'content-type')?.[1] ?? null) && entry.body.byteLength >= MIN_COMPRESSIBLE_BYTES;
  if (matchesEtag(header('if-none-match'), entry.etag)) return { status: 304, headers: variantHeaders(entry, 'not-modified', compressible, null), body: null };
  const encoding = compressible ? preferredEncoding(header('accept-encoding')) : null;
  let body = entry.body;
  if (encoding) {
    let encoded = entry.encoded.get(encoding);
    if (!encoded) entry.encoded.set(encoding, (encoded = encodeBody(entry.body, encoding)));
    body = await encoded;
  }
  return { status: entry.status, headers: variantHeaders(entry, encoding ?? 'identity', compressible, body.byteLength), body: method === 'HEAD' ? null : body };
}

function variantHeaders(entry: CachedResponse, variant: BodyEncoding | 'identity' | 'not-modified', compressible: boolean, length: number | null): Record<string, string> {
  const known = entry.variants.get(variant);
  if (known) return known;
  const headers = new Headers(entry.headers);
  for (const [name, value] of Object.entries(securityHeadersFor(headers))) headers.set(name, value);
  headers.set('etag', entry.etag);
  if (compressible) headers.set('vary', 'accept-encoding');
  if (variant === 'not-modified') headers.delete('content-type');
  if (variant === 'br' || variant === 'gzip') headers.set('content-encoding', variant);
  if (length !== null) headers.set('content-length', String(length));
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  entry.variants.set(variant, record);
  return record;
}

/** The answer to a request from an entry, as a Response (see `cachedAnswer`). */
export async function answerFromCache(entry: CachedResponse, request: Request): Promise<Response> {
  const answer = await cachedAnswer(entry, request.method, (name) => request.headers.get(name));
  return new Response(answer.body as Uint8Array<ArrayBuffer> | null, { status: answer.status, headers: answer.headers });
}
