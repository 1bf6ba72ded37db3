import { z } from 'zod';
import { formatZodIssues } from '../shared/index.ts';
import { withoutMatchMarkers } from './plain-text.ts';

/** The longest search text taken, and the most words of it used. */
export const MAX_QUERY_CHARS = 500;
export const MAX_QUERY_WORDS = 16;
/** How many hits one answer holds by default, and at most. */
export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;

/** What `GET /api/search` and `/search` take: the text, the three filters, and which page of hits. */
export const searchRequestSchema = z.strictObject({
  /** The words to find, as a person types them. */
  q: z.string().max(MAX_QUERY_CHARS).default(''),
  /** Only docs of this type (`type:` as the contract resolves it). */
  type: z.string().max(200).optional(),
  /** Only docs with this `status:`. */
  status: z.string().max(200).optional(),
  /** Only docs with this one among their `owners:`. */
  owner: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT).default(DEFAULT_SEARCH_LIMIT),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;

const EXPECTED = `expected q (up to ${MAX_QUERY_CHARS} characters), type, status, owner, limit (1 to ${MAX_SEARCH_LIMIT}) and offset (0 to 10000)`;

/** The search a query string asks for, or what is wrong with it. Empty values mean "any", as a form sends them. */
export function parseSearchRequest(params: URLSearchParams): { ok: true; request: SearchRequest } | { ok: false; message: string } {
  const present = Object.fromEntries([...params.entries()].filter(([, value]) => value !== ''));
  const parsed = searchRequestSchema.safeParse(present);
  if (!parsed.success) {
    // Name the value as it was sent ("limit=\"abc\""), not only what it became (NaN).
    const names = [...new Set(parsed.error.issues.flatMap((issue) => (typeof issue.path[0] === 'string' ? [issue.path[0]] : [])))];
    const sent = names.map((name) => `${name}=${JSON.stringify(String(present[name] ?? '').slice(0, 40))}`).join(', ');
    return { ok: false, message: `Invalid search query: ${formatZodIssues(parsed.error).join('; ')}${sent ? ` (sent ${sent})` : ''}; ${EXPECTED}.` };
  }
  return { ok: true, request: parsed.data };
}

/** A person's search text as FTS5 queries: every word required, or any word, for finding the section it is in. */
export interface SearchTerms {
  /** Every word, each a quoted phrase (the last a prefix): which docs match. */
  all: string;
  /** The same phrases joined by OR: which section of a matching doc to point at. */
  any: string;
}

// What the index's tokenizer (unicode61) keeps as a word: letters and digits.
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * Turns untrusted text into FTS5 syntax that cannot fail to parse: each whitespace-separated
 * chunk becomes a quoted phrase (so `ADR-0013` finds that id, and AND, NOT, `*`, `:` or a
 * stray quote are just text), the last chunk matches as a prefix while it is still being
 * typed, control characters separate words, and chunks without a letter or digit are dropped. Null when nothing is left to find.
 */
export function searchTerms(text: string): SearchTerms | null {
  // FTS5 reads its query as a C string: a NUL would end it inside a quote. Controls are spaces here.
  const cleaned = withoutMatchMarkers(text.normalize('NFKC')).replace(/\p{Cc}/gu, ' ');
  const chunks = cleaned.split(/\s+/).filter((chunk) => WORD_CHARACTER.test(chunk)).slice(0, MAX_QUERY_WORDS);
  if (chunks.length === 0) return null;
  const typing = !/\s$/.test(cleaned);
  const phrases = chunks.map((chunk, i) => {
    const phrase = `"${chunk.replaceAll('"', '""')}"`;
    // A prefix only after a word character: "deploy-"* would ask for any word after "deploy".
    return typing && i === chunks.length - 1 && WORD_CHARACTER.test(chunk.at(-1)!) ? `${phrase}*` : phrase;
  });
  return { all: phrases.join(' '), any: phrases.join(' OR ') };
}
