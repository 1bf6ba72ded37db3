import type { DocSet } from '../docs/index.ts';
import { searchTerms, type SearchRequest } from './search-query.ts';
import { emptySearchResult, type SearchResult } from './search-result.ts';
import { SqliteSearchIndex, type SyncCounts } from './sqlite-search-index.ts';

/** Where the docs come from: the docs repository, as it is on disk now. */
export interface DocSource {
  current(): Promise<DocSet>;
}

/**
 * Search over the docs folder as it is now. The index is built on the first search, not at
 * start (a server that is never searched never pays for it), and every later search first
 * brings it up to the folder, writing only the docs that changed.
 */
export class DocSearch {
  private readonly docs: DocSource;
  private index: SqliteSearchIndex | null = null;
  private lastSync: SyncCounts | null = null;

  constructor(docs: DocSource) {
    this.docs = docs;
  }

  /** The docs matching the request, best first; an empty search finds nothing and reads nothing. */
  async search(request: SearchRequest): Promise<SearchResult> {
    if (!searchTerms(request.q)) return emptySearchResult(request.q, request.offset, request.limit);
    const set = await this.docs.current();
    this.index ??= new SqliteSearchIndex();
    this.lastSync = this.index.sync(set);
    return this.index.search(request);
  }

  /** What the last search's sync wrote and dropped (null before the first search): for tests and benches. */
  get lastSyncCounts(): SyncCounts | null {
    return this.lastSync;
  }

  /** Frees the index; a later search builds a new one. */
  close(): void {
    this.index?.close();
    this.index = null;
  }
}
