/** One doc that matches, pointing at the section the match is in. */
export interface SearchHit {
  id: string;
  title: string;
  type: string | null;
  status: string | null;
  owners: string[];
  /** The doc page at the matching section's heading (`/docs/ADR-0013#decision`), or at its top. */
  href: string;
  /** The heading above the match, or null when the match is before the first heading or only in the title or frontmatter. */
  heading: string | null;
  anchor: string | null;
  /** A few words around the match as HTML: the doc's text escaped, matches in `<mark>`. */
  snippet: string;
}

/** How many matching docs have one value of a filter, the other filters applied. */
export interface FacetCount {
  value: string;
  count: number;
}

/** What a search found: the hits of one page, how many docs match in all, and the counts behind each filter. */
export interface SearchResult {
  query: string;
  total: number;
  offset: number;
  limit: number;
  hits: SearchHit[];
  facets: { type: FacetCount[]; status: FacetCount[]; owner: FacetCount[] };
}

/** The answer to a search with nothing to find. */
export function emptySearchResult(query: string, offset: number, limit: number): SearchResult {
  return { query, total: 0, offset, limit, hits: [], facets: { type: [], status: [], owner: [] } };
}
