import type { DocSet } from '../docs/index.ts';
import { headingSlugs } from '../docs/index.ts';
import { docHref } from '../docs/index.ts';

/** A `because:` citation, resolved against the current docs. */
export interface ResolvedCitation {
  text: string;
  docId: string;
  anchor: string | null;
  /** Link to the cited section; null when the doc does not exist. */
  href: string | null;
  /** What is wrong with the citation, when something is. */
  problem: string | null;
}

/** Resolves `ADR-0015#artifact-path-safety` to a link, checking the doc and the section exist. */
export function resolveCitation(set: DocSet, text: string): ResolvedCitation {
  const [docId = '', anchor = null] = text.split('#', 2) as [string, string?];
  const doc = set.byId.get(docId);
  if (!doc) return { text, docId, anchor, href: null, problem: `no doc has id '${docId}'` };
  const problem = anchor && !headingSlugs(doc).has(anchor) ? `${docId} has no section '#${anchor}'` : null;
  return { text, docId, anchor, href: docHref(docId, anchor), problem };
}
