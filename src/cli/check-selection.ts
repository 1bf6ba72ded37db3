import type { ProcedureBlock } from '../lib/procedures/index.ts';

/** The blocks to run, or why the ids given do not name checks. */
export type CheckSelection = { ok: true; blocks: ProcedureBlock[] } | { ok: false; message: string };

/**
 * Picks checks from every block of every doc. `all` takes every block that is a check; an
 * id names a block by its full id (`RUN-runner-image/contract-smoke`) or by the part after
 * the doc id when that is unique across docs (`contract-smoke`). An unknown, ambiguous or
 * non-check id refuses the whole selection, listing the check ids there are.
 */
export function selectChecks(blocks: readonly ProcedureBlock[], request: { all: boolean; ids: readonly string[] }): CheckSelection {
  const checks = blocks.filter((block) => block.isCheck);
  if (request.all) return { ok: true, blocks: checks };
  const chosen: ProcedureBlock[] = [];
  const problems: string[] = [];
  for (const id of request.ids) {
    const exact = blocks.find((block) => block.id === id);
    const byName = exact ? [exact] : blocks.filter((block) => shortName(block) === id);
    if (byName.length === 0) {
      problems.push(`no check has id '${id}'`);
      continue;
    }
    const matches = byName.filter((block) => block.isCheck);
    if (matches.length === 0) {
      problems.push(`'${id}' is a procedure, not a check; mark its fence \`check\` to run it as one`);
    } else if (matches.length > 1) {
      problems.push(`'${id}' names a check in more than one doc (${matches.map((b) => b.id).join(', ')}); use the full id`);
    } else if (!chosen.includes(matches[0]!)) {
      chosen.push(matches[0]!);
    }
  }
  if (problems.length > 0) {
    const available = checks.length > 0 ? checks.map((block) => `  ${block.id}`).join('\n') : '  (none: no doc has a check block)';
    return { ok: false, message: `${problems.join('\n')}\nAvailable checks:\n${available}` };
  }
  return { ok: true, blocks: chosen };
}

/** The block id without its doc id: the `name` annotation, or the heading-derived name. */
function shortName(block: Pick<ProcedureBlock, 'id' | 'docId'>): string {
  return block.id.startsWith(`${block.docId}/`) ? block.id.slice(block.docId.length + 1) : block.id;
}
