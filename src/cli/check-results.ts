import type { AssertionVerdict } from '../lib/checks/index.ts';
import type { ProcedureBlock } from '../lib/procedures/index.ts';
import { checkVerdicts, type FailureKind, type RunRecord, type RunStatus } from '../lib/runs/index.ts';

/** How a selected check came out, for the summary, the exit code and the JUnit file. */
export type CheckVerdict = 'passed' | 'failed' | 'error';

/** One selected check after `runbook-live check`: its run, or why it could not run. */
export interface CheckResult {
  /** Block id, `RUN-runner-image/contract-smoke`. */
  id: string;
  docId: string;
  /** A contract check, or a procedure marked `check` (passes when its commands succeed). */
  kind: ProcedureBlock['kind'];
  /** Null when the block never got as far as a target (not runnable). */
  target: string | null;
  /** Null when no run was started. */
  runId: string | null;
  status: RunStatus | 'not_runnable';
  failureKind: FailureKind | 'not_runnable' | null;
  message: string | null;
  verdict: CheckVerdict;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number;
  exitCode: number | null;
  /** The assertions' verdicts for a contract check that got as far as judging; else empty. */
  verdicts: AssertionVerdict[];
}

// A procedure that ran and broke its own rules failed; anything that kept it from running
// properly (no engine, no image, cancelled, a crash in runbook-live) is an error.
const FAILURE_KINDS: ReadonlySet<FailureKind> = new Set(['build_failed', 'timeout', 'exit_nonzero', 'oom_killed', 'contract_violation']);

/** A block `check` could not start, with the reason the page shows for a manual step. */
export function notRunnableResult(block: Pick<ProcedureBlock, 'id' | 'docId' | 'kind' | 'reason'>): CheckResult {
  return {
    id: block.id,
    docId: block.docId,
    kind: block.kind,
    target: null,
    runId: null,
    status: 'not_runnable',
    failureKind: 'not_runnable',
    message: `not runnable: ${block.reason ?? 'the block is a manual step'}`,
    verdict: 'error',
    startedAt: null,
    finishedAt: null,
    durationMs: 0,
    exitCode: null,
    verdicts: [],
  };
}

/** The result of a finished run of a check block. */
export function resultFromRun(block: Pick<ProcedureBlock, 'kind'>, run: RunRecord): CheckResult {
  const verdicts = checkVerdicts(run.result);
  const started = run.startedAt ? Date.parse(run.startedAt) : NaN;
  const finished = run.finishedAt ? Date.parse(run.finishedAt) : NaN;
  return {
    id: run.blockId,
    docId: run.docId,
    kind: block.kind,
    target: run.target,
    runId: run.id,
    status: run.status,
    failureKind: run.failureKind,
    message: run.message,
    verdict: verdictOf(block.kind, run, verdicts),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: Number.isFinite(started) && Number.isFinite(finished) ? Math.max(0, finished - started) : 0,
    exitCode: run.exitCode,
    verdicts,
  };
}

function verdictOf(kind: ProcedureBlock['kind'], run: RunRecord, verdicts: AssertionVerdict[]): CheckVerdict {
  if (run.status === 'passed') return 'passed';
  if (run.status !== 'failed') return 'error';
  // A contract check failed when an assertion did; without verdicts it never got to judge.
  if (kind === 'check') return verdicts.some((v) => v.status === 'failed') ? 'failed' : 'error';
  return run.failureKind && FAILURE_KINDS.has(run.failureKind) ? 'failed' : 'error';
}

/** Counts for the closing line: errors count as failed there, and separately here. */
export function countResults(results: readonly CheckResult[]): { passed: number; failed: number; errors: number } {
  const passed = results.filter((r) => r.verdict === 'passed').length;
  return { passed, failed: results.length - passed, errors: results.filter((r) => r.verdict === 'error').length };
}
