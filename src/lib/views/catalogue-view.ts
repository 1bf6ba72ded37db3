import type { Core } from '../app/index.ts';
import { docHref, buildCatalogue, type CatalogueGroup } from '../docs/index.ts';
import { describeFreshness, type FreshnessView } from '../dashboard/index.ts';

/** One catalogue row: the doc's summary, where it lives, and how its checks stand (null: it has none). */
export type CatalogueRow = CatalogueGroup['docs'][number] & { href: string; search: string; verified: FreshnessView | null };

/** Everything the home page renders. */
export interface CatalogueView {
  docsDir: string;
  /** The folder the catalogue is narrowed to, when a folder reference led here. */
  folder: string | null;
  docCount: number;
  problemCount: number;
  groups: Array<{ type: string; docs: CatalogueRow[] }>;
}

/** The catalogue: docs grouped by type, each with its problems and freshness. */
export async function catalogueView(core: Core, query: URLSearchParams = new URLSearchParams(), now = Date.now()): Promise<CatalogueView> {
  const folder = query.get('folder') || null;
  const set = await core.docs.current();
  const freshnessOf = core.dashboard.freshnessOf(set);
  // The same words as the doc page's freshness line.
  const verified = (id: string): FreshnessView | null => {
    const doc = set.byId.get(id);
    return doc ? describeFreshness(freshnessOf(doc), now) : null;
  };
  return {
    docsDir: set.docsDir,
    folder,
    docCount: set.docs.length,
    problemCount: set.findings.length,
    groups: buildCatalogue(set, folder).map((group) => ({
      type: group.type,
      docs: group.docs.map((doc) => ({
        ...doc,
        href: docHref(doc.id),
        search: [doc.title, doc.id, doc.status, ...doc.owners].join(' ').toLowerCase(),
        verified: verified(doc.id),
      })),
    })),
  };
}
