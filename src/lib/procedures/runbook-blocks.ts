import { SHELL_LANGUAGES } from './classify-block.ts';
import { hashBlockSource } from './block-identity.ts';
import type { ProcedureBlock } from './procedure-catalog.ts';

/**
 * The blocks that are steps of a runbook, in document order: contract checks and shell
 * blocks, runnable or manual. Other fences (YAML examples, JSON, text) are illustrations,
 * not steps, so a runbook run neither runs nor lists them.
 */
export function runbookBlocks(blocks: readonly ProcedureBlock[]): ProcedureBlock[] {
  return blocks.filter((block) => block.kind === 'check' || SHELL_LANGUAGES.includes(block.lang?.trim().toLowerCase() ?? ''));
}

/**
 * One hash over the ids and hashes of a runbook's steps. A page that sends it back proves it
 * showed the runbook as it is now: any edited, added or removed step changes it.
 */
export function runbookHash(blocks: readonly Pick<ProcedureBlock, 'id' | 'hash'>[]): string {
  return hashBlockSource(blocks.map((block) => `${block.id} ${block.hash}`).join('\n'));
}

/** A step's short name: the block's `name`, else the heading above it, else its id. */
export function stepName(block: Pick<ProcedureBlock, 'id' | 'annotations' | 'heading'>): string {
  if (typeof block.annotations.name === 'string') return block.annotations.name;
  return block.heading?.text ?? block.id;
}
