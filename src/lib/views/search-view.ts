import type { Core } from '../app/index.ts';
import { parseSearchRequest, type DocSearch, type FacetCount, type SearchHit, type SearchRequest, type SearchResult } from '../search/index.ts';

/** One choice of a filter select: a value the matching docs have, with how many. */
export interface FilterOption {
  value: string;
  label: string;
  selected: boolean;
}

/** Everything `/search` renders. */
export interface SearchView {
  /** The text as typed, for the search boxes. */
  query: string;
  /** Why the query string cannot be used, when it cannot. */
  problem: string | null;
  /** "3 docs match", or null before anything was searched. */
  summary: string | null;
  hits: SearchHit[];
  filters: Array<{ name: 'type' | 'status' | 'owner'; label: string; options: FilterOption[] }>;
  /** The previous and next page of hits, when there are more. */
  previousHref: string | null;
  nextHref: string | null;
}

/** The result of `GET /api/search`, or why its query string cannot be used. */
export async function searchAnswer(core: Pick<Core, 'search'>, params: URLSearchParams): Promise<{ ok: true; result: SearchResult } | { ok: false; message: string }> {
  const parsed = parseSearchRequest(params);
  if (!parsed.ok) return parsed;
  return { ok: true, result: await searchOf(core).search(parsed.request) };
}

/** The search page for a query string: hits with snippets, filters with counts, paging. */
export async function searchView(core: Pick<Core, 'search'>, params: URLSearchParams): Promise<SearchView> {
  const query = params.get('q') ?? '';
  const parsed = parseSearchRequest(params);
  if (!parsed.ok) return { query, problem: parsed.message, summary: null, hits: [], filters: [], previousHref: null, nextHref: null };
  const request = parsed.request;
  const result = await searchOf(core).search(request);
  const searched = request.q.trim() !== '';
  return {
    query,
    problem: null,
    summary: searched ? `${result.total === 0 ? 'No' : result.total} doc${result.total === 1 ? '' : 's'} match${result.total === 1 ? 'es' : ''}` : null,
    hits: result.hits,
    filters: searched
      ? [
          { name: 'type', label: 'Type', options: optionsOf(result.facets.type, request.type) },
          { name: 'status', label: 'Status', options: optionsOf(result.facets.status, request.status) },
          { name: 'owner', label: 'Owner', options: optionsOf(result.facets.owner, request.owner) },
        ]
      : [],
    previousHref: request.offset > 0 ? pageHref(request, Math.max(0, request.offset - request.limit)) : null,
    nextHref: request.offset + request.limit < result.total ? pageHref(request, request.offset + request.limit) : null,
  };
}

function searchOf(core: Pick<Core, 'search'>): DocSearch {
  if (!core.search) throw new Error('search is only built in server mode (createCore with mode "server")');
  return core.search;
}

/** The filter's choices; a chosen value no matching doc has stays listed, so the form shows what was asked. */
function optionsOf(counts: FacetCount[], chosen: string | undefined): FilterOption[] {
  const options = counts.map(({ value, count }) => ({ value, label: `${value} (${count})`, selected: value === chosen }));
  if (chosen !== undefined && !counts.some((c) => c.value === chosen)) options.unshift({ value: chosen, label: `${chosen} (0)`, selected: true });
  return options;
}

function pageHref(request: SearchRequest, offset: number): string {
  const params = new URLSearchParams({ q: request.q });
  for (const name of ['type', 'status', 'owner'] as const) if (request[name] !== undefined) params.set(name, request[name]);
  if (offset > 0) params.set('offset', String(offset));
  return `/search?${params}`;
}
