import type { DocSet } from '../docs/index.ts';
import { assertionLabel } from '../checks/index.ts';
import { parseCheckSpec, resolveCitation } from '../checks/index.ts';
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

/**
 * Which checks validate files against which schema blocks: for each schema reference
 * (`REF-x#name`), the checks citing it and the assertions that do, in the shape the
 * "verified by" list uses, so the same verdict lookup serves both.
 */
export function buildSchemaCitationIndex(set: DocSet, catalog: ProcedureCatalog): Map<string, CitingCheck[]> {
  const index = new Map<string, CitingCheck[]>();
  for (const doc of set.docs) {
    for (const block of catalog.blocksOf(doc, set)) {
      if (block.kind !== 'check') continue;
      const expectations = citedSchemas(block);
      const byRef = new Map<string, CitingCheck>();
      expectations.forEach(({ ref, index: assertionIndex, label }) => {
        const citing = byRef.get(ref) ?? { block, clauses: [] };
        citing.clauses.push({ index: assertionIndex, label, anchor: null });
        byRef.set(ref, citing);
      });
      for (const [ref, citing] of byRef) index.set(ref, [...(index.get(ref) ?? []), citing]);
    }
  }
  return index;
}

/** Fixture and schema blocks that cannot be cited, and why, for the health page. */
export function brokenDeclarations(set: DocSet, catalog: ProcedureCatalog): Array<{ blockId: string; file: string; line: number | null; kind: 'fixture' | 'schema'; reason: string }> {
  return set.docs.flatMap((doc) =>
    catalog
      .blocksOf(doc, set)
      .flatMap((block) => ((block.kind === 'fixture' || block.kind === 'schema') && block.reason ? [{ blockId: block.id, file: doc.path, line: block.line, kind: block.kind, reason: block.reason }] : [])),
  );
}

// A check that cannot run still cites its schemas: read them from its spec as written.
function citedSchemas(block: ProcedureBlock): Array<{ ref: string; index: number; label: string }> {
  const step = block.steps[0];
  if (step?.kind === 'check') return step.spec.expect.flatMap((a, index) => (a.schema ? [{ ref: a.schema, index, label: assertionLabel(a) }] : []));
  const parsed = parseCheckSpec(block.source, (block.line ?? 0) + 1);
  return parsed.ok ? parsed.spec.expect.flatMap((a, index) => (a.schema ? [{ ref: a.schema, index, label: assertionLabel(a) }] : [])) : [];
}
