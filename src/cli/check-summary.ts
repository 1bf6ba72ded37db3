import { formatDuration } from '../lib/shared/index.ts';
import { countResults, type CheckResult } from './check-results.ts';
import { stripAnsi } from './junit-report.ts';

const STATUS_WORD = { passed: 'PASSED', failed: 'FAILED', skipped: 'SKIPPED' } as const;

/**
 * The readable summary of `runbook-live check`: per check a ✓/✗ line with id, target,
 * duration and run id; under a contract check each assertion with its verdict, and for a
 * failed one what was expected, what was seen and the clause it cites; under a failed
 * procedure the failure kind and message. The last line is exactly `N passed, M failed`.
 */
export function formatSummary(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const mark = result.verdict === 'passed' ? '✓' : '✗';
    const where = result.target ? ` on ${result.target}` : '';
    const took = result.runId ? ` (${formatDuration(result.durationMs)}, run ${result.runId})` : '';
    lines.push(`${mark} ${result.id}${where}${took}`);
    for (const verdict of result.verdicts) {
      const because = verdict.because ? `  [${printable(verdict.because)}]` : '';
      lines.push(`    ${STATUS_WORD[verdict.status].padEnd(7)} ${printable(verdict.label)}${because}`);
      if (verdict.status === 'failed') {
        lines.push(...indented('expected: ', verdict.expected), ...indented('got:      ', verdict.actual));
      } else if (verdict.status === 'skipped') {
        lines.push(...indented('', verdict.actual));
      }
    }
    // A run that failed or errored without judging (or a procedure): say how it ended.
    if (result.verdict !== 'passed' && !result.verdicts.some((v) => v.status === 'failed')) {
      lines.push(...indented(result.failureKind && result.failureKind !== 'not_runnable' ? `${result.failureKind}: ` : '', result.message ?? `the run ended ${result.status}`, 4));
    }
  }
  const { passed, failed } = countResults(results);
  if (lines.length > 0) lines.push('');
  lines.push(`${passed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}

/** The same facts as one JSON object, for scripts. */
export function summaryJson(results: readonly CheckResult[], extra: { docsDir: string; totalMs: number }): object {
  const { passed, failed, errors } = countResults(results);
  return {
    passed,
    failed,
    errors,
    docsDir: extra.docsDir,
    durationMs: extra.totalMs,
    checks: results.map((r) => ({
      id: r.id,
      docId: r.docId,
      kind: r.kind,
      target: r.target,
      runId: r.runId,
      url: r.runId ? `/runs/${r.runId}` : null,
      status: r.status,
      verdict: r.verdict,
      failureKind: r.failureKind,
      message: r.message,
      exitCode: r.exitCode,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      durationMs: r.durationMs,
      verdicts: r.verdicts,
    })),
  };
}

function indented(prefix: string, text: string, by = 12): string[] {
  const pad = ' '.repeat(by);
  return printable(text)
    .split('\n')
    .map((line, i) => `${pad}${i === 0 ? prefix : ' '.repeat(prefix.length)}${line}`);
}

/** Container output can carry colours and control characters; a CI log should show text. */
function printable(text: string): string {
  return stripAnsi(text).replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
