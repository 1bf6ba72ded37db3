import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { docContentHash, docHref, type DocRecord, type DocSet } from '../docs/index.ts';
import { docSections, MAX_SECTIONS } from './doc-sections.ts';
import { MATCH_END, MATCH_START, withoutMatchMarkers } from './plain-text.ts';
import { searchTerms, type SearchRequest, type SearchTerms } from './search-query.ts';
import { emptySearchResult, type FacetCount, type SearchHit, type SearchResult } from './search-result.ts';
import { snippetHtml } from './snippet-html.ts';

/** What the index keeps of each doc outside SQLite: enough to filter, count and link without a query. */
interface IndexedDoc {
  key: number;
  record: DocRecord;
  /** What the doc says and where: a changed fingerprint means its rows are written again. */
  fingerprint: string;
  anchors: Array<{ anchor: string | null; heading: string | null }>;
}

/** How many docs one `sync` wrote again and dropped. */
export interface SyncCounts {
  indexed: number;
  removed: number;
}

// Porter stemming so "failing" finds "failed"; diacritics folded so "cafe" finds "café".
const TOKENIZE = `tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4'`;
// Title and id weigh most, then headings, then frontmatter values, then the body.
const DOC_RANK = 'bm25(10.0, 8.0, 4.0, 2.0, 1.0)';
const SNIPPET_WORDS = 16;
const FILTERS = ['type', 'status', 'owner'] as const;
type Filter = (typeof FILTERS)[number];

/**
 * Full-text search over a doc set, in an in-memory SQLite database with FTS5. Each doc has one
 * row of all its text (which docs match every word, and how well: bm25, the title and id
 * weighing most) and one row per section (which heading the match is under, and the snippet);
 * section rows are numbered inside their doc's range of rowids, so finding a hit's section is
 * a range lookup. `sync` writes only the
 * docs whose content changed since the last set it saw, and drops the docs that are gone.
 */
export class SqliteSearchIndex {
  private readonly db = new DatabaseSync(':memory:');
  private readonly byId = new Map<string, IndexedDoc>();
  private readonly byKey = new Map<number, IndexedDoc>();
  private nextKey = 1;
  private synced: DocSet | null = null;
  private readonly statements: Record<'insertDoc' | 'insertSection' | 'deleteDoc' | 'deleteSections' | 'matchDocs' | 'firstSection' | 'docSnippet', StatementSync>;

  constructor() {
    this.db.exec(`
      CREATE VIRTUAL TABLE doc_text USING fts5(title, ident, headings, meta, body, ${TOKENIZE});
      INSERT INTO doc_text(doc_text, rank) VALUES ('rank', '${DOC_RANK}');
      CREATE VIRTUAL TABLE section_text USING fts5(heading, body, ${TOKENIZE});
    `);
    const snippet = (table: string) => `snippet(${table}, -1, '${MATCH_START}', '${MATCH_END}', '…', ${SNIPPET_WORDS})`;
    this.statements = {
      insertDoc: this.db.prepare('INSERT INTO doc_text(rowid, title, ident, headings, meta, body) VALUES (?, ?, ?, ?, ?, ?)'),
      insertSection: this.db.prepare('INSERT INTO section_text(rowid, heading, body) VALUES (?, ?, ?)'),
      deleteDoc: this.db.prepare('DELETE FROM doc_text WHERE rowid = ?'),
      deleteSections: this.db.prepare('DELETE FROM section_text WHERE rowid BETWEEN ? AND ?'),
      matchDocs: this.db.prepare('SELECT rowid AS key FROM doc_text WHERE doc_text MATCH ? ORDER BY rank'),
      // In document order, not by rank: bm25 counts every row holding a word, once per call, which
      // for a common word cost more than the rest of a search; the first section is also the
      // nearest heading to the first match, which is where a reader starts.
      firstSection: this.db.prepare(`SELECT rowid AS row, ${snippet('section_text')} AS snippet FROM section_text WHERE section_text MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid LIMIT 1`),
      docSnippet: this.db.prepare(`SELECT ${snippet('doc_text')} AS snippet FROM doc_text WHERE doc_text MATCH ? AND rowid = ?`),
    };
  }

  /** How many docs are indexed. */
  get size(): number {
    return this.byId.size;
  }

  /** Brings the index up to a doc set: changed and new docs written again, docs no longer in it dropped. */
  sync(set: DocSet): SyncCounts {
    if (set === this.synced) return { indexed: 0, removed: 0 };
    const counts = { indexed: 0, removed: 0 };
    this.db.exec('BEGIN');
    try {
      for (const doc of set.docs) {
        const known = this.byId.get(doc.id);
        // The repository keeps an unchanged file's record, so identity settles most docs at once.
        if (known?.record === doc) continue;
        const fingerprint = fingerprintOf(doc);
        if (known?.fingerprint === fingerprint) {
          known.record = doc;
          continue;
        }
        if (known) this.deleteRows(known.key);
        this.insert(doc, known?.key ?? this.nextKey++, fingerprint);
        counts.indexed += 1;
      }
      for (const [id, known] of this.byId) {
        if (set.byId.get(id)) continue;
        this.deleteRows(known.key);
        this.byId.delete(id);
        this.byKey.delete(known.key);
        counts.removed += 1;
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      // What is in memory no longer says what is in the tables: start again on the next sync.
      this.reset();
      throw error;
    }
    this.synced = set;
    return counts;
  }

  /** The docs matching every word of the request's text, best first, narrowed by its filters. */
  search(request: SearchRequest): SearchResult {
    const terms = searchTerms(request.q);
    if (!terms) return emptySearchResult(request.q, request.offset, request.limit);
    const matched = (this.statements.matchDocs.all(terms.all) as Array<{ key: number }>).flatMap(({ key }) => this.byKey.get(key) ?? []);
    const passes = (doc: IndexedDoc, skip: Filter | null) => FILTERS.every((filter) => filter === skip || request[filter] === undefined || valuesOf(doc.record, filter).includes(request[filter]));
    const kept = matched.filter((doc) => passes(doc, null));
    const facets = Object.fromEntries(FILTERS.map((filter) => [filter, countValues(matched.filter((doc) => passes(doc, filter)), filter)])) as SearchResult['facets'];
    const hits = kept.slice(request.offset, request.offset + request.limit).map((doc) => this.hitOf(doc, terms));
    return { query: request.q, total: kept.length, offset: request.offset, limit: request.limit, hits, facets };
  }

  /** Frees the database. */
  close(): void {
    this.db.close();
  }

  private hitOf(doc: IndexedDoc, terms: SearchTerms): SearchHit {
    const { record } = doc;
    const first = doc.key * MAX_SECTIONS;
    const range = [rowid(first), rowid(first + MAX_SECTIONS - 1)] as const;
    // The first section holding every word, else the first holding any of them.
    const section = (this.statements.firstSection.get(terms.all, ...range) ?? (terms.any !== terms.all ? this.statements.firstSection.get(terms.any, ...range) : undefined)) as { row: number; snippet: string } | undefined;
    // The words may be only in the title, the id or the frontmatter: the hit is the doc's top.
    const place = section ? doc.anchors[section.row - first] : undefined;
    const snippet = section?.snippet || (this.statements.docSnippet.get(terms.any, rowid(doc.key)) as { snippet: string } | undefined)?.snippet || record.title;
    const anchor = place?.anchor ?? null;
    return {
      id: record.id,
      title: record.title,
      type: record.type,
      status: record.status,
      owners: record.owners,
      href: docHref(record.id, anchor),
      heading: place?.heading ?? null,
      anchor,
      snippet: snippetHtml(snippet),
    };
  }

  private insert(doc: DocRecord, key: number, fingerprint: string): void {
    const sections = docSections(doc.body);
    const text = (value: string) => withoutMatchMarkers(value);
    this.statements.insertDoc.run(
      rowid(key),
      text(doc.title),
      text(doc.id),
      text(sections.flatMap((s) => (s.heading ? [s.heading] : [])).join('\n')),
      text(frontmatterWords(doc.frontmatter).join(' · ')),
      sections.map((s) => s.text).join('\n\n'),
    );
    sections.forEach((section, i) => this.statements.insertSection.run(rowid(key * MAX_SECTIONS + i), text(section.heading ?? ''), section.text));
    const indexed: IndexedDoc = { key, record: doc, fingerprint, anchors: sections.map(({ anchor, heading }) => ({ anchor, heading })) };
    this.byId.set(doc.id, indexed);
    this.byKey.set(key, indexed);
  }

  private deleteRows(key: number): void {
    this.statements.deleteDoc.run(rowid(key));
    this.statements.deleteSections.run(rowid(key * MAX_SECTIONS), rowid(key * MAX_SECTIONS + MAX_SECTIONS - 1));
  }

  private reset(): void {
    this.db.exec('DELETE FROM doc_text; DELETE FROM section_text;');
    this.byId.clear();
    this.byKey.clear();
    this.synced = null;
  }
}

/**
 * A rowid as SQLite's INTEGER. node:sqlite binds a JS number as REAL, and FTS5 ignores a
 * `rowid = ?` constraint given a REAL (every match comes back), so rowids are bound as bigints.
 */
function rowid(value: number): bigint {
  return BigInt(value);
}

/** What decides a doc's rows: its frontmatter and body, and the path and type the folder gives it. */
function fingerprintOf(doc: DocRecord): string {
  return `${docContentHash(doc)}:${doc.type ?? ''}:${doc.path}`;
}

/** The values a filter compares against: a doc has one type and status, and any number of owners. */
function valuesOf(doc: DocRecord, filter: Filter): string[] {
  if (filter === 'owner') return doc.owners;
  const value = filter === 'type' ? doc.type : doc.status;
  return value === null ? [] : [value];
}

function countValues(docs: IndexedDoc[], filter: Filter): FacetCount[] {
  const counts = new Map<string, number>();
  for (const doc of docs) for (const value of new Set(valuesOf(doc.record, filter))) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

// Title and id have columns of their own; every other frontmatter value is searchable text.
const OWN_COLUMNS = new Set(['title', 'id']);

/** The words of a doc's frontmatter values (strings, numbers, lists and maps of them), keys left out. */
function frontmatterWords(frontmatter: Record<string, unknown>): string[] {
  const words: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (typeof value === 'string' || typeof value === 'number') words.push(String(value));
    else if (value instanceof Date) words.push(value.toISOString().slice(0, 10));
    else if (depth < 4 && Array.isArray(value)) value.forEach((item) => visit(item, depth + 1));
    else if (depth < 4 && value !== null && typeof value === 'object') Object.values(value).forEach((item) => visit(item, depth + 1));
  };
  for (const [key, value] of Object.entries(frontmatter)) if (!OWN_COLUMNS.has(key)) visit(value, 0);
  return words;
}
