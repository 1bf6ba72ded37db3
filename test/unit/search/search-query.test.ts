import { describe, expect, it } from 'vitest';
import { parseSearchRequest, searchRequestSchema, searchTerms, snippetHtml } from '../../../src/lib/search/index.ts';

describe('search text as FTS5 terms', () => {
  it('quotes each word, and matches the last as a prefix while it is being typed', () => {
    expect(searchTerms('restart ledger')).toEqual({ all: '"restart" "ledger"*', any: '"restart" OR "ledger"*' });
    expect(searchTerms('restart ledger ')).toEqual({ all: '"restart" "ledger"', any: '"restart" OR "ledger"' });
  });

  it('keeps an id together as one phrase', () => {
    expect(searchTerms('ADR-0013')?.all).toBe('"ADR-0013"*');
  });

  it('makes operators, quotes, columns and stars plain text', () => {
    expect(searchTerms('NOT "x AND y* title:z')).toEqual({
      all: '"NOT" """x" "AND" "y*" "title:z"*',
      any: '"NOT" OR """x" OR "AND" OR "y*" OR "title:z"*',
    });
    // No prefix after a mark: `deploy-*` would ask for any word after "deploy".
    expect(searchTerms('deploy-')?.all).toBe('"deploy-"');
  });

  it('finds nothing to search for in an empty text or one without letters or digits', () => {
    for (const text of ['', '   ', '"', '- * ( ) :', '\uE000\uE001']) expect(searchTerms(text), JSON.stringify(text)).toBeNull();
  });

  it('drops the private characters snippets are marked with', () => {
    expect(searchTerms('ma\uE000rk')?.all).toBe('"mark"*');
  });

  it('uses at most sixteen words', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(searchTerms(words)!.all.split(' ')).toHaveLength(16);
  });
});

describe('the search request', () => {
  it('reads the query string, empty fields meaning any, with defaults', () => {
    const parsed = parseSearchRequest(new URLSearchParams('q=backup&type=&status=active&limit=5'));
    expect(parsed).toEqual({ ok: true, request: { q: 'backup', status: 'active', limit: 5, offset: 0 } });
    expect(searchRequestSchema.parse({})).toEqual({ q: '', limit: 20, offset: 0 });
  });

  it('names the field, the value wanted, and every parameter it takes', () => {
    const tooMany = parseSearchRequest(new URLSearchParams('q=x&limit=500'));
    expect(tooMany).toEqual({ ok: false, message: 'Invalid search query: limit: Too big: expected number to be <=100 (sent limit="500"); expected q (up to 500 characters), type, status, owner, limit (1 to 100) and offset (0 to 10000).' });
    const word = parseSearchRequest(new URLSearchParams('q=x&limit=abc'));
    expect(word.ok ? '' : word.message).toContain('(sent limit="abc")');
    const unknown = parseSearchRequest(new URLSearchParams('q=x&sort=new'));
    expect(unknown.ok ? '' : unknown.message).toMatch(/^Invalid search query: Unrecognized key: "sort"; expected q/);
    const long = parseSearchRequest(new URLSearchParams({ q: 'x'.repeat(501) }));
    expect(long.ok ? '' : long.message).toMatch(/^Invalid search query: q: Too big: expected string to have <=500 characters/);
  });
});

describe('snippets as HTML', () => {
  it('escapes the text and marks only the index’s own markers', () => {
    expect(snippetHtml('a <script>alert("x")</script> \uE000restart\uE001 & go')).toBe('a &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>restart</mark> &amp; go');
    expect(snippetHtml('<mark>not ours</mark>')).toBe('&lt;mark&gt;not ours&lt;/mark&gt;');
  });
});
