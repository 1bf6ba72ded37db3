import type { DocSet } from '../docs/index.ts';
import { assertionLabel } from '../checks/index.ts';
import { resolveCitation } from '../checks/index.ts';
import type { ProcedureBlock, ProcedureCatalog } from './procedure-catalog.ts';

/** A check that cites a doc, and which of its assertions do. */
export interface CitingCheck {
  block: ProcedureBlock;
  clauses: Array<{ index: number; label: string; anchor: string | null }>;
}

/**
 * Which checks cite which docs: for each cited doc id, the check blocks and the assertions
 * citing it. Built from every doc's check blocks on the current docs.
 */
export function buildCitationIndex(set: DocSet, catalog: ProcedureCatalog): Map<string, CitingCheck[]> {
  const index = new Map<string, CitingCheck[]>();
  for (const doc of set.docs) {
    for (const block of catalog.blocksOf(doc, set)) {
      const step = block.steps[0];
      if (block.kind !== 'check' || step?.kind !== 'check') continue;
      const byDoc = new Map<string, CitingCheck>();
      step.spec.expect.forEach((assertion, assertionIndex) => {
        if (!assertion.because) return;
        const [docId = '', anchor = null] = assertion.because.split('#', 2) as [string, string?];
        const citing = byDoc.get(docId) ?? { block, clauses: [] };
        citing.clauses.push({ index: assertionIndex, label: assertionLabel(assertion), anchor });
        byDoc.set(docId, citing);
      });
      for (const [docId, citing] of byDoc) index.set(docId, [...(index.get(docId) ?? []), citing]);
    }
  }
  return index;
}

/** Every citation that leads nowhere, for the health page. */
export function brokenCitations(set: DocSet, catalog: ProcedureCatalog): Array<{ blockId: string; file: string; citation: string; problem: string }> {
  const broken = [];
  for (const doc of set.docs) {
    for (const block of catalog.blocksOf(doc, set)) {
      const step = block.steps[0];
      if (step?.kind !== 'check') continue;
      for (const assertion of step.spec.expect) {
        if (!assertion.because) continue;
        const resolved = resolveCitation(set, assertion.because);
        if (resolved.problem) broken.push({ blockId: block.id, file: doc.path, citation: assertion.because, problem: resolved.problem });
      }
    }
  }
  return broken;
}
