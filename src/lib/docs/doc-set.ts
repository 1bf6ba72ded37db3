import path from 'node:path';
import type { DocRecord, Violation } from './doc-record.ts';
import type { ResolvedContract } from './load-contract.ts';
import type { Reference } from './scan-references.ts';
import type { DocIndex } from './resolve-reference.ts';
import { buildLinkGraph, type BrokenLink, type LinkGraph } from './link-graph.ts';

/** Every doc of a docs folder at one moment, with links resolved and violations gathered. */
export interface DocSet {
  docsDir: string;
  contract: ResolvedContract;
  docs: DocRecord[];
  byId: Map<string, DocRecord>;
  graph: LinkGraph;
  index: DocIndex;
  /** Every violation: the contract file's own, each doc's, and duplicate ids. */
  violations: Violation[];
  broken: BrokenLink[];
  /** Changes whenever anything in the folder changes; render caches key on it. */
  version: number;
}

/** Assembles a DocSet from already-validated records and their references. */
export function assembleDocSet(input: {
  docsDir: string;
  contract: ResolvedContract;
  contractViolations: Violation[];
  docs: DocRecord[];
  referencesOf: (doc: DocRecord) => Reference[];
  version: number;
}): DocSet {
  const byId = new Map<string, DocRecord>();
  const byPath = new Map<string, string>();
  const duplicateViolations: Violation[] = [];
  for (const doc of input.docs) {
    const first = byId.get(doc.id);
    if (first) {
      duplicateViolations.push({
        file: doc.path,
        field: 'id',
        rule: 'id-duplicate',
        message: `id '${doc.id}' is already used by ${first.path}; ids must be unique`,
      });
    } else {
      byId.set(doc.id, doc);
    }
    byPath.set(doc.path, byId.get(doc.id) === doc ? doc.id : first?.id ?? doc.id);
  }
  const index: DocIndex = {
    hasId: (id) => byId.has(id),
    idForPath: (relativePath) => byPath.get(relativePath) ?? null,
    repositoryPrefixes: [...new Set(['docs/', `${path.basename(input.docsDir)}/`])],
  };
  const docs = [...byId.values()];
  const graph = buildLinkGraph(docs, input.referencesOf, index);
  return {
    docsDir: input.docsDir,
    contract: input.contract,
    docs,
    byId,
    graph,
    index,
    violations: [...input.contractViolations, ...input.docs.flatMap((doc) => doc.violations), ...duplicateViolations],
    broken: graph.broken,
    version: input.version,
  };
}
