import type { CheckResult } from './check-results.ts';

// CSI (`ESC [ … final`, also as the C1 byte), OSC (`ESC ] … BEL` or `ESC ] … ESC \`), and
// the other escapes: ESC, optional intermediate bytes, one final byte (`ESC ( B`, `ESC 7`).
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[ -/]*[0-~]/g;

/** Removes terminal colour and cursor sequences, which container output often carries. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Makes any string safe to place in an XML 1.0 document: ANSI sequences are stripped, and
 * characters XML cannot carry at all (C0 controls other than tab, line feed and carriage
 * return, DEL and C1 controls, lone surrogates, U+FFFE/U+FFFF) are shown as `\xHH` /
 * `\uHHHH` text, so the file stays well-formed and the reader still sees something was there.
 */
export function xmlSafe(text: string): string {
  let out = '';
  for (const char of stripAnsi(text)) {
    const code = char.codePointAt(0)!;
    const allowed =
      code === 0x9 || code === 0xa || code === 0xd ||
      (code >= 0x20 && code < 0x7f) ||
      (code >= 0xa0 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    if (allowed) out += char;
    else out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** Text content: `&`, `<`, `>` escaped, and `\r` kept as a reference so parsers do not fold it. */
export function escapeXmlText(text: string): string {
  return xmlSafe(text).replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' })[c]!);
}

/** An attribute value for double quotes; tabs and line breaks survive attribute normalisation. */
export function escapeXmlAttribute(text: string): string {
  return xmlSafe(text).replace(/[&<>"'\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' })[c]!);
}

/** Optional facts for the report's root element. */
export interface JUnitOptions {
  /** Wall-clock time of the whole command; the sum of the checks' times when absent. */
  totalMs?: number;
  /** When the command started, ISO 8601. */
  timestamp?: string;
  hostname?: string;
}

/** One `<testcase>`: passed, skipped with a reason, or a failure or error with its type and text. */
export interface TestCase {
  name: string;
  classname: string;
  timeMs?: number;
  outcome: { kind: 'passed' } | { kind: 'skipped'; message: string } | { kind: 'failure' | 'error'; type: string; message: string; body: string };
}

/**
 * JUnit XML for CI systems: one `<testsuite>` per check, one `<testcase>` per assertion of a
 * contract check (a single one for a procedure), failed assertions as `<failure>`, skipped ones
 * as `<skipped/>`, and a check that could not run at all as one `<error>` test case.
 */
export function renderJUnit(results: readonly CheckResult[], options: JUnitOptions = {}): string {
  return renderTestSuites(
    results.map((result) => ({
      name: result.target ? `${result.id} (${result.target})` : result.id,
      durationMs: result.durationMs,
      startedAt: result.startedAt,
      properties: { check: result.id, kind: result.kind, target: result.target, run_id: result.runId, run_url: result.runId ? `/runs/${result.runId}` : null, status: result.status },
      cases: testCasesOf(result),
    })),
    { ...options, totalMs: options.totalMs ?? results.reduce((sum, r) => sum + r.durationMs, 0) },
  );
}

/** One `<testsuite>` of a report: what `runbook-live check` and `runbook-live run` each make of their results. */
export interface TestSuite {
  name: string;
  durationMs: number;
  startedAt: string | null;
  /** Written as `<property>` elements; null values are left out. */
  properties: Record<string, string | null>;
  cases: TestCase[];
}

/** A JUnit document with a `<testsuites name="runbook-live">` root and totals over every suite. */
export function renderTestSuites(suites: readonly TestSuite[], options: JUnitOptions = {}): string {
  const all = suites.flatMap((s) => s.cases);
  const totals = tally(all);
  const totalMs = options.totalMs ?? suites.reduce((sum, s) => sum + s.durationMs, 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites${attributes({ name: 'runbook-live', tests: all.length, failures: totals.failures, errors: totals.errors, skipped: totals.skipped, time: seconds(totalMs), ...(options.timestamp ? { timestamp: options.timestamp } : {}) })}>`);
  for (const suite of suites) {
    const counts = tally(suite.cases);
    const suiteAttributes = {
      name: suite.name,
      tests: suite.cases.length,
      failures: counts.failures,
      errors: counts.errors,
      skipped: counts.skipped,
      time: seconds(suite.durationMs),
      ...(suite.startedAt ? { timestamp: suite.startedAt } : {}),
      ...(options.hostname ? { hostname: options.hostname } : {}),
    };
    lines.push(`  <testsuite${attributes(suiteAttributes)}>`);
    lines.push('    <properties>');
    for (const [name, value] of Object.entries(suite.properties)) {
      if (value !== null) lines.push(`      <property${attributes({ name, value })}/>`);
    }
    lines.push('    </properties>');
    for (const testCase of suite.cases) lines.push(...renderTestCase(testCase));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function testCasesOf(result: CheckResult): TestCase[] {
  const classname = result.id;
  if (result.verdict === 'error') {
    const type = result.failureKind ?? result.status;
    return [{ name: result.id, classname, timeMs: result.durationMs, outcome: { kind: 'error', type, message: oneLine(result.message ?? `the check ended ${result.status}`), body: `${type}: ${result.message ?? result.status}` } }];
  }
  if (result.kind === 'check' && result.verdicts.length > 0) {
    return result.verdicts.map((v): TestCase => {
      const cited = v.because ? `\nbecause ${v.because}` : '';
      if (v.status === 'passed') return { name: v.label, classname, outcome: { kind: 'passed' } };
      if (v.status === 'skipped') return { name: v.label, classname, outcome: { kind: 'skipped', message: oneLine(v.actual) } };
      return {
        name: v.label,
        classname,
        outcome: {
          kind: 'failure',
          type: 'assertion',
          message: oneLine(`expected ${v.expected}; got ${v.actual}${v.because ? ` (${v.because})` : ''}`),
          body: `expected ${v.expected}\ngot ${v.actual}${cited}`,
        },
      };
    });
  }
  // A procedure marked `check`: one test case, passing when its commands succeed.
  if (result.verdict === 'passed') return [{ name: result.id, classname, timeMs: result.durationMs, outcome: { kind: 'passed' } }];
  const type = result.failureKind ?? result.status;
  return [{ name: result.id, classname, timeMs: result.durationMs, outcome: { kind: 'failure', type, message: oneLine(result.message ?? type), body: `${type}: ${result.message ?? ''}` } }];
}

function renderTestCase(testCase: TestCase): string[] {
  const open = `    <testcase${attributes({ name: testCase.name, classname: testCase.classname, ...(testCase.timeMs !== undefined ? { time: seconds(testCase.timeMs) } : {}) })}`;
  const { outcome } = testCase;
  if (outcome.kind === 'passed') return [`${open}/>`];
  if (outcome.kind === 'skipped') return [`${open}>`, `      <skipped${attributes(outcome.message ? { message: outcome.message } : {})}/>`, '    </testcase>'];
  return [`${open}>`, `      <${outcome.kind}${attributes({ message: outcome.message, type: outcome.type })}>${escapeXmlText(outcome.body)}</${outcome.kind}>`, '    </testcase>'];
}

function tally(cases: readonly TestCase[]): { failures: number; errors: number; skipped: number } {
  return {
    failures: cases.filter((c) => c.outcome.kind === 'failure').length,
    errors: cases.filter((c) => c.outcome.kind === 'error').length,
    skipped: cases.filter((c) => c.outcome.kind === 'skipped').length,
  };
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Messages are attributes that CI shows on one line; the element body keeps the full text. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return flat.length > 1000 ? `${flat.slice(0, 999)}…` : flat;
}
