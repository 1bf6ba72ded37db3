import { statSync } from 'node:fs';
import path from 'node:path';
import type { DocRecord, Violation } from './doc-record.ts';
import type { RuleSeverities } from './docs-rules.ts';
import { toFindings, type Finding } from './findings.ts';
import type { ResolvedContract } from './load-contract.ts';
import type { RepositoryLocation } from './repository-root.ts';
import type { ListedEntry } from './list-markdown-files.ts';
import type { Reference } from './scan-references.ts';
import type { DocIndex } from './resolve-reference.ts';
import { buildLinkGraph, type BrokenLink, type LinkGraph } from './link-graph.ts';

/** Every doc of a docs folder at one moment, with links resolved and findings gathered. */
export interface DocSet {
  docsDir: string;
  /** Where the docs folder is in its repository. */
  location: RepositoryLocation;
  contract: ResolvedContract;
  docs: DocRecord[];
  byId: Map<string, DocRecord>;
  graph: LinkGraph;
  index: DocIndex;
  /** Every violation: the contract file's own, bad files', each doc's, and duplicate ids. */
  violations: Violation[];
  broken: BrokenLink[];
  /** Violations and broken links at their configured severities (rules set to `off` left out). */
  findings: Finding[];
  /** Changes whenever anything in the folder changes; render caches key on it. */
  version: number;
}

/** Assembles a DocSet from already-validated records and their references. */
export function assembleDocSet(input: {
  docsDir: string;
  location: RepositoryLocation;
  /** The docs folder's entries as listed, so links inside it resolve without a stat each. */
  docsEntries?: ReadonlyMap<string, ListedEntry>;
  contract: ResolvedContract;
  contractViolations: Violation[];
  /** Files that are no docs and must not be (binary, not UTF-8, symlinks). */
  fileViolations?: Violation[];
  docs: DocRecord[];
  referencesOf: (doc: DocRecord) => Reference[];
  severities: RuleSeverities;
  version: number;
}): DocSet {
  const byId = new Map<string, DocRecord>();
  const byPath = new Map<string, string>();
  const duplicateViolations: Violation[] = [];
  for (const doc of input.docs) {
    const first = byId.get(doc.id);
    if (first) {
      duplicateViolations.push({ file: doc.path, field: 'id', rule: 'duplicate-id', message: `id '${doc.id}' is already used by ${first.path}; ids must be unique`, line: 1 });
    } else {
      byId.set(doc.id, doc);
    }
    byPath.set(doc.path, byId.get(doc.id) === doc ? doc.id : (first?.id ?? doc.id));
  }
  const index: DocIndex = {
    hasId: (id) => byId.has(id),
    idForPath: (relativePath) => byPath.get(relativePath) ?? null,
    location: input.location,
    entryAt: repositoryEntries(input.location, input.docsEntries ?? new Map()),
  };
  const docs = [...byId.values()];
  const graph = buildLinkGraph(docs, input.referencesOf, index);
  // A folder whose contract cannot be used is judged by nothing else: only the contract's problems count.
  const usable = input.contract.usable;
  const violations = usable ? [...input.contractViolations, ...(input.fileViolations ?? []), ...input.docs.flatMap((doc) => doc.violations), ...duplicateViolations] : input.contractViolations;
  const broken = usable ? graph.broken : [];
  return {
    docsDir: input.docsDir,
    location: input.location,
    contract: input.contract,
    docs,
    byId,
    graph,
    index,
    violations,
    broken,
    findings: toFindings(violations, broken, input.severities, input.location),
    version: input.version,
  };
}

/**
 * Whether repository-relative paths exist. Inside the docs folder the listing answers;
 * elsewhere the file system is asked, once per path per set: a reference to a file outside
 * the docs folder is valid when the file is there.
 */
function repositoryEntries(location: RepositoryLocation, docsEntries: ReadonlyMap<string, ListedEntry>): DocIndex['entryAt'] {
  const seen = new Map<string, 'file' | 'folder' | null>();
  const prefix = location.docsPath ? `${location.docsPath}/` : '';
  return (relative) => {
    let entry = seen.get(relative);
    if (entry === undefined && docsEntries.size > 0 && (prefix === '' || relative.startsWith(prefix))) {
      const listed = docsEntries.get(relative.slice(prefix.length));
      // Not listed means not there; a symlink ('other') is left to the stat below.
      if (listed === undefined) entry = null;
      else if (listed !== 'other') entry = listed;
    }
    if (relative === '.' || relative === location.docsPath) entry = 'folder';
    if (entry === undefined) {
      const info = statSync(path.join(location.root, relative), { throwIfNoEntry: false });
      entry = info?.isDirectory() ? 'folder' : info?.isFile() ? 'file' : null;
      seen.set(relative, entry);
    }
    return entry;
  };
}
