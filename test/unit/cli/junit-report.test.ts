import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeXmlAttribute, escapeXmlText, renderJUnit, stripAnsi, xmlSafe } from '../../../src/cli/junit-report.ts';
import type { CheckResult } from '../../../src/cli/check-results.ts';
import type { AssertionVerdict } from '../../../src/lib/checks/check-observations.ts';

const NASTY = 'a < b && c > d "double" \'single\' ]]> <!-- --> <![CDATA[x]]> &amp; &#0; \u0000nul \u0007bel \u001b[31mred\u001b[0m \u001b]0;title\u0007 \u0008bs \u000bvt \u000cff \u007fdel \u0085nel \ud800lone \uffff end\ttab\nline\r\ncrlf åäö 🚀';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, trimValues: false, processEntities: true, htmlEntities: true, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

function wellFormed(xml: string): void {
  const verdict = XMLValidator.validate(xml);
  expect(verdict, JSON.stringify(verdict)).toBe(true);
}

function verdict(index: number, status: AssertionVerdict['status'], extra: Partial<AssertionVerdict> = {}): AssertionVerdict {
  return { index, label: `assertion ${index}`, status, expected: 'x', actual: 'x', because: `ADR-0015#clause-${index}`, ...extra };
}

function result(extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id: 'RUN-x/smoke',
    docId: 'RUN-x',
    kind: 'check',
    target: 'local',
    runId: '11111111-2222-3333-4444-555555555555',
    status: 'passed',
    failureKind: null,
    message: null,
    verdict: 'passed',
    startedAt: '2026-11-26T10:00:00.000Z',
    finishedAt: '2026-11-26T10:00:01.500Z',
    durationMs: 1500,
    exitCode: 0,
    verdicts: [verdict(0, 'passed'), verdict(1, 'passed')],
    ...extra,
  };
}

describe('XML escaping', () => {
  it('strips ANSI colour, cursor and title sequences', () => {
    expect(stripAnsi('\u001b[1;31mred\u001b[0m \u001b[2K\u001b]0;title\u0007done \u001b(B')).toBe('red done ');
    expect(stripAnsi('keep \u001b]unterminated text')).toBe('keep unterminated text');
  });

  it('shows characters XML cannot carry as text, and keeps everything XML allows', () => {
    expect(xmlSafe('a\u0000b\u0007c\u007fd\u0085e\ud800f\uffffg')).toBe('a\\x00b\\x07c\\x7fd\\x85e\\ud800f\\uffffg');
    expect(xmlSafe('tab\tnl\ncr\r åäö 🚀 \ue000')).toBe('tab\tnl\ncr\r åäö 🚀 \ue000');
  });

  it('escapes markup in text and attributes so a parser gets the string back', () => {
    expect(escapeXmlText('<a href="x">&</a> ]]>')).toBe('&lt;a href="x"&gt;&amp;&lt;/a&gt; ]]&gt;');
    expect(escapeXmlAttribute('say "hi" & \'bye\' <x>\n\t')).toBe('say &quot;hi&quot; &amp; &apos;bye&apos; &lt;x&gt;&#10;&#9;');
    const safe = xmlSafe(NASTY);
    const xml = `<r a="${escapeXmlAttribute(NASTY)}">${escapeXmlText(NASTY)}</r>`;
    wellFormed(xml);
    const parsed = parser.parse(xml) as { r: { '@a': string; '#text': string } };
    expect(parsed.r['@a']).toBe(safe);
    expect(parsed.r['#text']).toBe(safe);
    expect(safe).not.toContain('\u001b');
    expect(safe).toContain('red');
  });
});

describe('renderJUnit', () => {
  it('writes one suite per check and one case per assertion, with totals', () => {
    const xml = renderJUnit(
      [
        result({
          status: 'failed',
          verdict: 'failed',
          failureKind: 'contract_violation',
          verdicts: [verdict(0, 'passed'), verdict(1, 'failed', { label: 'result.json is <v2> & "ok"', expected: 'matches runner-result-v2', actual: 'contract_version: expected 2\n\u001b[31mgot 1\u001b[0m' }), verdict(2, 'skipped', { actual: 'output/x was not written' })],
        }),
        result({ id: 'RUN-y/other', verdicts: [verdict(0, 'passed')] }),
      ],
      { totalMs: 2500, timestamp: '2026-11-26T10:00:00.000Z', hostname: 'ci' },
    );
    wellFormed(xml);
    const root = parser.parse(xml).testsuites;
    expect(root).toMatchObject({ '@name': 'runbook-live', '@tests': '4', '@failures': '1', '@errors': '0', '@skipped': '1', '@time': '2.500' });
    expect(root.testsuite).toHaveLength(2);
    const [first] = root.testsuite;
    expect(first).toMatchObject({ '@name': 'RUN-x/smoke (local)', '@tests': '3', '@failures': '1', '@skipped': '1', '@time': '1.500' });
    expect(first.properties.property).toContainEqual({ '@name': 'run_id', '@value': '11111111-2222-3333-4444-555555555555' });
    const failed = first.testcase[1];
    expect(failed['@name']).toBe('result.json is <v2> & "ok"');
    expect(failed['@classname']).toBe('RUN-x/smoke');
    expect(failed.failure['@message']).toBe('expected matches runner-result-v2; got contract_version: expected 2 got 1 (ADR-0015#clause-1)');
    expect(failed.failure['#text']).toBe('expected matches runner-result-v2\ngot contract_version: expected 2\ngot 1\nbecause ADR-0015#clause-1');
    expect(first.testcase[2].skipped).toEqual({ '@message': 'output/x was not written' });
  });

  it('reports a check that could not run as one error case, and a procedure as one case', () => {
    const xml = renderJUnit([
      result({ kind: 'check', target: null, runId: null, status: 'not_runnable', verdict: 'error', failureKind: 'not_runnable', message: 'not runnable: the check spec is invalid: line 3: <bad>', verdicts: [], durationMs: 0 }),
      result({ id: 'RUN-z/smoke', status: 'failed', verdict: 'error', failureKind: 'docker_unreachable', message: 'cannot reach unix:///nope.sock', verdicts: [] }),
      result({ id: 'RUN-z/proc', kind: 'procedure', status: 'failed', verdict: 'failed', failureKind: 'exit_nonzero', message: 'the container exited with code 3', verdicts: [] }),
      result({ id: 'RUN-z/proc-ok', kind: 'procedure', verdicts: [] }),
    ]);
    wellFormed(xml);
    const root = parser.parse(xml).testsuites;
    expect(root).toMatchObject({ '@tests': '4', '@failures': '1', '@errors': '2', '@skipped': '0' });
    const [notRunnable, unreachable, proc, procOk] = root.testsuite;
    expect(notRunnable['@name']).toBe('RUN-x/smoke');
    expect(notRunnable.testcase[0].error).toMatchObject({ '@type': 'not_runnable', '@message': 'not runnable: the check spec is invalid: line 3: <bad>' });
    expect(unreachable.testcase[0].error['@type']).toBe('docker_unreachable');
    expect(proc.testcase[0]).toMatchObject({ '@name': 'RUN-z/proc', '@classname': 'RUN-z/proc', failure: { '@type': 'exit_nonzero', '@message': 'the container exited with code 3' } });
    expect(procOk.testcase[0]).toMatchObject({ '@name': 'RUN-z/proc-ok', '@time': '1.500' });
    expect(procOk.testcase[0].failure).toBeUndefined();
  });

  it('stays well-formed whatever the docs and the containers put in names and output', () => {
    const xml = renderJUnit([
      result({
        id: 'RUN-<x>/a&b"c',
        target: "t'1",
        status: 'failed',
        verdict: 'failed',
        verdicts: [verdict(0, 'failed', { label: NASTY, expected: NASTY, actual: NASTY, because: NASTY }), verdict(1, 'skipped', { label: NASTY, actual: NASTY })],
      }),
      result({ status: 'errored', verdict: 'error', failureKind: 'internal', message: NASTY, verdicts: [] }),
    ]);
    wellFormed(xml);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    const root = parser.parse(xml).testsuites;
    expect(root.testsuite[0]['@name']).toBe(`RUN-<x>/a&b"c (t'1)`);
    expect(root.testsuite[0].testcase[0]['@name']).toBe(xmlSafe(NASTY));
    expect(root.testsuite[0].testcase[0].failure['#text']).toContain(xmlSafe(NASTY));
  });

  it('renders an empty selection as an empty, valid report', () => {
    const xml = renderJUnit([]);
    wellFormed(xml);
    expect(parser.parse(xml).testsuites).toMatchObject({ '@tests': '0', '@failures': '0', '@time': '0.000' });
  });
});
