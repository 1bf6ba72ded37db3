import type { RunbookRunRecord, RunbookStep } from '../lib/runs/index.ts';
import { formatDuration } from '../lib/shared/index.ts';
import { oneLine, renderTestSuites, stripAnsi, type JUnitOptions, type TestCase } from './junit-report.ts';

/** A runbook run as `runbook-live run` reports it, with the incidents its failed steps opened. */
export interface RunbookResult {
  run: RunbookRunRecord;
  /** Incident per step run id, for the steps that failed. */
  incidents: Record<string, string>;
}

const STEP_WORD: Record<RunbookStep['status'], string> = {
  pending: 'PENDING',
  queued: 'QUEUED',
  running: 'RUNNING',
  passed: 'PASSED',
  failed: 'FAILED',
  errored: 'ERRORED',
  cancelled: 'CANCELLED',
  interrupted: 'INTERRUPTED',
  skipped: 'SKIPPED',
};

/** Milliseconds between two ISO times, 0 when either is missing. */
export function durationMs(startedAt: string | null, finishedAt: string | null): number {
  const started = startedAt ? Date.parse(startedAt) : NaN;
  const finished = finishedAt ? Date.parse(finishedAt) : NaN;
  return Number.isFinite(started) && Number.isFinite(finished) ? Math.max(0, finished - started) : 0;
}

/**
 * The readable summary: per runbook a ✓/✗ line with doc id, target, duration and runbook run
 * id; under it every step in order with its status, duration and run id, and under a step
 * that did not pass its failure kind, message and incident, under a skipped one why. The
 * last line is exactly `N passed, M failed` (runbooks).
 */
export function formatRunSummary(results: readonly RunbookResult[]): string {
  const lines: string[] = [];
  for (const { run, incidents } of results) {
    lines.push(`${run.status === 'passed' ? '✓' : '✗'} ${run.docId} on ${run.target} (${formatDuration(durationMs(run.startedAt, run.finishedAt))}, runbook run ${run.id})`);
    for (const step of run.steps) {
      const took = step.runId ? `  (${formatDuration(durationMs(step.startedAt, step.finishedAt))}, run ${step.runId})` : '';
      lines.push(`    ${STEP_WORD[step.status].padEnd(9)} ${step.blockId}${took}`);
      if (step.status === 'passed') continue;
      const detail = step.status === 'skipped' ? (step.reason ?? '') : `${step.failureKind ? `${step.failureKind}: ` : ''}${step.reason ?? `the step ended ${step.status}`}`;
      if (detail) lines.push(`              ${stripAnsi(oneLine(detail))}`);
      const incident = step.runId ? incidents[step.runId] : undefined;
      if (incident) lines.push(`              incident ${incident} (/incidents/${incident})`);
    }
    if (run.status !== 'passed' && run.message) lines.push(`    ${run.status}: ${stripAnsi(oneLine(run.message))}`);
  }
  const passed = results.filter((r) => r.run.status === 'passed').length;
  if (lines.length > 0) lines.push('');
  lines.push(`${passed} passed, ${results.length - passed} failed`);
  return `${lines.join('\n')}\n`;
}

/** The same facts as one JSON object, for scripts. */
export function runSummaryJson(results: readonly RunbookResult[], context: { docsDir: string; totalMs: number }) {
  const passed = results.filter((r) => r.run.status === 'passed').length;
  return {
    passed,
    failed: results.length - passed,
    docsDir: context.docsDir,
    durationMs: context.totalMs,
    runbooks: results.map(({ run, incidents }) => ({
      id: run.docId,
      runbookRunId: run.id,
      url: `/runbook-runs/${run.id}`,
      target: run.target,
      status: run.status,
      failureKind: run.failureKind,
      message: run.message,
      keepGoing: run.keepGoing,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: durationMs(run.startedAt, run.finishedAt),
      steps: run.steps.map((step) => ({
        blockId: step.blockId,
        name: step.name,
        status: step.status,
        runId: step.runId,
        url: step.runId ? `/runs/${step.runId}` : null,
        failureKind: step.failureKind,
        reason: step.reason,
        incident: step.runId && incidents[step.runId] ? { id: incidents[step.runId], url: `/incidents/${incidents[step.runId]}` } : null,
        durationMs: durationMs(step.startedAt, step.finishedAt),
      })),
    })),
  };
}

/** JUnit XML: one `<testsuite>` per runbook run, one `<testcase>` per step; skipped steps as `<skipped/>`. */
export function renderRunJUnit(results: readonly RunbookResult[], options: JUnitOptions = {}): string {
  return renderTestSuites(
    results.map(({ run }) => ({
      name: `${run.docId} (${run.target})`,
      durationMs: durationMs(run.startedAt, run.finishedAt),
      startedAt: run.startedAt,
      properties: { runbook: run.docId, target: run.target, runbook_run_id: run.id, runbook_run_url: `/runbook-runs/${run.id}`, status: run.status },
      cases: run.steps.map((step) => stepCase(run.docId, step)),
    })),
    options,
  );
}

function stepCase(docId: string, step: RunbookStep): TestCase {
  const base = { name: step.blockId, classname: docId, timeMs: durationMs(step.startedAt, step.finishedAt) };
  if (step.status === 'passed') return { ...base, outcome: { kind: 'passed' } };
  if (step.status === 'skipped') return { ...base, outcome: { kind: 'skipped', message: oneLine(step.reason ?? 'skipped') } };
  const type = step.failureKind ?? step.status;
  const message = step.reason ?? `the step ended ${step.status}`;
  // A step that ran and failed is a failure; one that could not run properly is an error.
  return { ...base, outcome: { kind: step.status === 'failed' ? 'failure' : 'error', type, message: oneLine(message), body: `${type}: ${message}` } };
}
