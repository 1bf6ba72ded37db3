import type { DocRecord } from './doc-record.ts';
import type { Reference } from './scan-references.ts';
import { leadingFolderExists, resolveReference, type DocIndex } from './resolve-reference.ts';

/** A reference that resolved to another doc. */
export interface OutgoingLink {
  id: string;
  anchor: string | null;
  origin: Reference['origin'];
}

/** A reference that leads nowhere. */
export interface BrokenLink {
  file: string;
  docId: string;
  target: string;
  origin: Reference['origin'];
  line: number | null;
  reason: string;
}

/** Who links to whom, both ways, and what is broken. */
export interface LinkGraph {
  outgoing: Map<string, OutgoingLink[]>;
  backlinks: Map<string, string[]>;
  broken: BrokenLink[];
}

/** Resolves every doc's references once, and inverts them into backlinks. */
export function buildLinkGraph(docs: DocRecord[], referencesOf: (doc: DocRecord) => Reference[], index: DocIndex): LinkGraph {
  const outgoing = new Map<string, OutgoingLink[]>();
  const backlinks = new Map<string, Set<string>>();
  const broken: BrokenLink[] = [];
  for (const doc of docs) {
    const links: OutgoingLink[] = [];
    const seen = new Set<string>();
    for (const reference of referencesOf(doc)) {
      const resolution = resolveReference(reference.kind, reference.target, doc.path, index);
      if (resolution.kind === 'broken' && reference.tentative && !leadingFolderExists(reference.target, doc.path, index)) continue;
      if (resolution.kind === 'broken') {
        broken.push({ file: doc.path, docId: doc.id, target: reference.target, origin: reference.origin, line: reference.line, reason: resolution.reason });
        continue;
      }
      // Folders and repository files are valid references, but not links between docs.
      if (resolution.kind !== 'doc') continue;
      // A doc naming itself is not a link worth listing.
      if (resolution.id === doc.id || seen.has(resolution.id)) continue;
      seen.add(resolution.id);
      links.push({ id: resolution.id, anchor: resolution.anchor, origin: reference.origin });
      const sources = backlinks.get(resolution.id) ?? new Set<string>();
      sources.add(doc.id);
      backlinks.set(resolution.id, sources);
    }
    outgoing.set(doc.id, links);
  }
  return {
    outgoing,
    backlinks: new Map([...backlinks].map(([id, sources]) => [id, [...sources].sort()])),
    broken,
  };
}
