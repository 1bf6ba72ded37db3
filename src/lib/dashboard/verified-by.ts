import type { RunStore } from '../runs/index.ts';
import type { RunRecord } from '../runs/index.ts';
import type { AssertionVerdict } from '../checks/index.ts';
import type { CitingCheck } from '../procedures/index.ts';
import { checkVerdicts } from '../runs/index.ts';

/** One check citing a doc, with its latest verdict on each target. */
export interface VerifiedByEntry {
  blockId: string;
  docId: string;
  name: string;
  clauses: CitingCheck['clauses'];
  targets: Array<{
    target: string;
    run: Pick<RunRecord, 'id' | 'status' | 'finishedAt'> | null;
    /** Verdicts of the citing assertions in that run, by assertion index. */
    verdicts: Record<number, AssertionVerdict['status']>;
  }>;
}

/** The checks that cite a doc, with the latest finished run of each on each of its targets. */
export function verifiedBy(citing: CitingCheck[], runs: { list: RunStore['listRuns'] }, defaultTargets: string[]): VerifiedByEntry[] {
  return citing.map(({ block, clauses }) => ({
    blockId: block.id,
    docId: block.docId,
    name: typeof block.annotations.name === 'string' ? block.annotations.name : block.id,
    clauses,
    targets: (block.system?.targets ?? defaultTargets).map((target) => {
      const [run] = runs.list({ blockId: block.id, target, statuses: ['passed', 'failed', 'errored'], limit: 1 });
      const verdicts: Record<number, AssertionVerdict['status']> = {};
      for (const verdict of checkVerdicts(run?.result)) verdicts[verdict.index] = verdict.status;
      return { target, run: run ? { id: run.id, status: run.status, finishedAt: run.finishedAt } : null, verdicts };
    }),
  }));
}

/** A schema block of a doc, with the checks that validate files against it. */
export interface ValidatedByEntry {
  /** How checks cite it: `REF-x#name`. */
  ref: string;
  name: string;
  /** The block's element id on the page. */
  anchor: string;
  checks: VerifiedByEntry[];
}

/** Every schema block a doc declares, each with its citing checks and their latest verdicts per target. */
export function validatedBy(
  schemas: Array<{ ref: string; name: string; anchor: string }>,
  citing: Map<string, CitingCheck[]>,
  runs: { list: RunStore['listRuns'] },
  defaultTargets: string[],
): ValidatedByEntry[] {
  return schemas.map((schema) => ({ ...schema, checks: verifiedBy(citing.get(schema.ref) ?? [], runs, defaultTargets) }));
}
