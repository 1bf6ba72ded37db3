import { describe, expect, it } from 'vitest';
import { matchesEtag, preferredEncoding, ResponseCache } from '../../../src/lib/http/index.ts';

const html = (body: string, headers: Record<string, string> = {}) => new Response(body, { headers: { 'content-type': 'text/html', ...headers } });

describe('ResponseCache', () => {
  it('keeps a 200 under its key and drops it with any of its tags', async () => {
    const cache = new ResponseCache();
    await cache.store('a', html('A'), cache.ticket(['doc:a', 'runs']), null);
    await cache.store('b', html('B'), cache.ticket(['doc:b']), null);
    expect(cache.get('a')?.body).toEqual(new TextEncoder().encode('A'));
    cache.invalidate('runs');
    expect(cache.get('a')).toBeNull();
    expect(cache.get('b')).not.toBeNull();
  });

  it('refuses a render whose tags were invalidated while it ran, but still answers it', async () => {
    const cache = new ResponseCache();
    const ticket = cache.ticket(['doc:a']);
    cache.invalidate('doc:a');
    const entry = await cache.store('a', html('old'), ticket, null);
    expect(entry?.body.byteLength).toBe(3);
    expect(cache.get('a')).toBeNull();
  });

  it('never keeps a cookie, an error, a no-store answer or a stream', async () => {
    const cache = new ResponseCache();
    const refused = [
      html('x', { 'set-cookie': 'a=b' }),
      new Response('x', { status: 404 }),
      html('x', { 'cache-control': 'no-store' }),
      new Response('x', { headers: { 'content-type': 'text/event-stream' } }),
    ];
    for (const response of refused) expect(await cache.store('k', response, cache.ticket([]), null)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('expires entries with a lifetime and evicts the least recently used past its limit', async () => {
    let now = 0;
    const cache = new ResponseCache({ maxEntries: 2, now: () => now });
    await cache.store('short', html('s'), cache.ticket([]), 1_000);
    now = 999;
    expect(cache.get('short')).not.toBeNull();
    now = 1_000;
    expect(cache.get('short')).toBeNull();
    await cache.store('a', html('a'), cache.ticket([]), null);
    await cache.store('b', html('b'), cache.ticket([]), null);
    cache.get('a');
    await cache.store('c', html('c'), cache.ticket([]), null);
    expect(cache.get('b')).toBeNull();
    expect(cache.get('a')).not.toBeNull();
  });
});

describe('validators and encodings', () => {
  it('compares ETags weakly, in lists and with *', () => {
    expect(matchesEtag('W/"abc"', 'W/"abc"')).toBe(true);
    expect(matchesEtag('"x", "abc"', 'W/"abc"')).toBe(true);
    expect(matchesEtag('*', 'W/"abc"')).toBe(true);
    expect(matchesEtag('"abd"', 'W/"abc"')).toBe(false);
    expect(matchesEtag(null, 'W/"abc"')).toBe(false);
  });

  it('prefers brotli, then gzip, honouring q=0 and *', () => {
    expect(preferredEncoding('gzip, deflate, br')).toBe('br');
    expect(preferredEncoding('gzip')).toBe('gzip');
    expect(preferredEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(preferredEncoding('identity')).toBeNull();
    expect(preferredEncoding('*')).toBe('br');
    expect(preferredEncoding(null)).toBeNull();
  });
});
