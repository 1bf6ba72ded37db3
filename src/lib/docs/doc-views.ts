import type { DocRecord, Violation } from './doc-record.ts';
import type { DocSet } from './doc-set.ts';
import type { BrokenLink, OutgoingLink } from './link-graph.ts';

/** How a status reads at a glance. */
export type StatusTone = 'current' | 'draft' | 'retired' | 'unknown';

const RETIRED = new Set(['deprecated', 'superseded', 'retired', 'archived', 'rejected']);
const DRAFT = new Set(['draft', 'proposed', 'wip', 'review']);

/** Groups statuses into tones so any contract's vocabulary gets sensible colours. */
export function statusTone(status: string | null): StatusTone {
  if (!status) return 'unknown';
  if (RETIRED.has(status)) return 'retired';
  if (DRAFT.has(status)) return 'draft';
  return 'current';
}

/** A doc as the JSON API and the catalogue show it. */
export interface DocSummary {
  id: string;
  type: string | null;
  title: string;
  status: string | null;
  statusTone: StatusTone;
  owners: string[];
  created: string | null;
  updated: string | null;
  path: string;
}

/** A doc with its links both ways and everything wrong with it. */
export interface DocDetail extends DocSummary {
  links: Array<OutgoingLink & { title: string }>;
  backlinks: Array<{ id: string; title: string }>;
  violations: Violation[];
  brokenLinks: BrokenLink[];
}

/** The summary fields of a doc. */
export function summarize(doc: DocRecord): DocSummary {
  return {
    id: doc.id,
    type: doc.type,
    title: doc.title,
    status: doc.status,
    statusTone: statusTone(doc.status),
    owners: doc.owners,
    created: doc.created,
    updated: doc.updated,
    path: doc.path,
  };
}

/** The full picture of one doc within its set. */
export function describeDoc(set: DocSet, doc: DocRecord): DocDetail {
  const titleOf = (id: string) => set.byId.get(id)?.title ?? id;
  return {
    ...summarize(doc),
    links: (set.graph.outgoing.get(doc.id) ?? []).map((link) => ({ ...link, title: titleOf(link.id) })),
    backlinks: (set.graph.backlinks.get(doc.id) ?? []).map((id) => ({ id, title: titleOf(id) })),
    violations: set.violations.filter((v) => v.file === doc.path),
    brokenLinks: set.broken.filter((b) => b.file === doc.path),
  };
}

/** One section of the catalogue: a doc type and its docs, newest first. */
export interface CatalogueGroup {
  type: string;
  docs: Array<DocSummary & { problems: number }>;
}

/**
 * The home page's catalogue: docs grouped by type in contract order, untyped docs last;
 * `folder` (docs-relative) narrows it to the docs under one folder, at any depth.
 */
export function buildCatalogue(set: DocSet, folder: string | null = null): CatalogueGroup[] {
  const problems = new Map<string, number>();
  for (const finding of set.findings) problems.set(finding.file, (problems.get(finding.file) ?? 0) + 1);
  const prefix = folder ? `${folder.replace(/\/+$/, '')}/` : '';
  const order = [...set.contract.types.map((t) => t.name), null];
  return order
    .map((type) => ({
      type: type ?? 'untyped',
      docs: set.docs
        .filter((doc) => doc.type === type && doc.path.startsWith(prefix))
        .sort((a, b) => (b.updated ?? b.created ?? '').localeCompare(a.updated ?? a.created ?? '') || a.id.localeCompare(b.id))
        .map((doc) => ({ ...summarize(doc), problems: problems.get(doc.path) ?? 0 })),
    }))
    .filter((group) => group.docs.length > 0);
}
