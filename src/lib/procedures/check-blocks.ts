import type { DocSet } from '../docs/index.ts';
import type { ProcedureBlock, ProcedureCatalog } from './procedure-catalog.ts';

/** Every check block on every target it runs on, in doc order. */
export function checkBlocks(set: DocSet, catalog: ProcedureCatalog, defaultTargets: string[]): Array<{ block: ProcedureBlock; target: string; docTitle: string }> {
  return set.docs.flatMap((doc) =>
    catalog.blocksOf(doc, set).filter((block) => block.isCheck).flatMap((block) => (block.system?.targets ?? defaultTargets).map((target) => ({ block, target, docTitle: doc.title }))),
  );
}
