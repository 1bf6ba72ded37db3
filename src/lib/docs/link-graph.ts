import type { DocRecord } from './doc-record.ts';
import type { Reference } from './scan-references.ts';
import { leadingFolderExists, resolveReference, type DocIndex, type Resolution } from './resolve-reference.ts';

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
  // A resolution depends only on the target and the linking doc's folder, and docs in one
  // folder name the same few places again and again: resolve each pair once.
  const resolved = new Map<string, { resolution: Resolution; ignorable: boolean }>();
  const resolve = (reference: Reference, fromPath: string) => {
    const slash = fromPath.lastIndexOf('/');
    const key = reference.kind === 'id' ? `id\0${reference.target}` : `${reference.tentative ? 't' : 'p'}\0${fromPath.slice(0, slash + 1)}\0${reference.target}`;
    let entry = resolved.get(key);
    if (!entry) {
      const resolution = resolveReference(reference.kind, reference.target, fromPath, index);
      // A tentative reference (a folder in inline code) only counts when its leading folder exists.
      const ignorable = resolution.kind === 'broken' && reference.tentative === true && !leadingFolderExists(reference.target, fromPath, index);
      entry = { resolution, ignorable };
      resolved.set(key, entry);
    }
    return entry;
  };
  for (const doc of docs) {
    const links: OutgoingLink[] = [];
    const seen = new Set<string>();
    for (const reference of referencesOf(doc)) {
      const { resolution, ignorable } = resolve(reference, doc.path);
      if (ignorable) continue;
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
