import { describe, expect, it } from 'vitest';
import { prometheusMetrics, type MetricRow, type OpenIncidentCount, type RunCount } from '../../../src/lib/dashboard/prometheus-metrics.ts';
import type { CheckStatus } from '../../../src/lib/dashboard/check-rows.ts';
import type { RunStatus } from '../../../src/lib/runs/index.ts';

/** A row whose newest run ended with `last` after `durationMs`; a verdict when it passed, failed or errored. */
function dashRow(blockId: string, target: string, status: CheckStatus, last: RunStatus | null, durationMs: number | null, lastFinished?: MetricRow['lastFinished']): MetricRow {
  const verdict = last && durationMs !== null && ['passed', 'failed', 'errored'].includes(last) ? { status: last, durationMs } : null;
  return { blockId, target, status, maintenance: null, lastFinished: lastFinished === undefined ? verdict : lastFinished };
}

const ROWS = [
  dashRow('RUN-demo/ok', 'local', 'passing', 'passed', 1234),
  dashRow('RUN-demo/flaky', 'local', 'failing', 'failed', 2500),
  dashRow('RUN-demo/broken', 'local', 'failing', 'errored', 5),
  dashRow('RUN-demo/new', 'local', 'never run', null, null),
  dashRow('RUN-demo/manual', 'local', 'not runnable', null, null),
  // In a window, its last verdict kept: runbook_live_check_up still says it failed.
  {
    ...dashRow('RUN-demo/patched', 'local', 'maintenance', 'failed', 40),
    maintenance: { reason: 'engine upgrade', from: '2026-11-26T11:00:00.000Z', until: '2026-11-26T13:00:00.000Z', source: 'targets.local.maintenance.0' },
  },
];
const RUNS: RunCount[] = [
  { blockId: 'RUN-demo/ok', target: 'local', status: 'passed', count: 3 },
  { blockId: 'RUN-demo/flaky', target: 'local', status: 'failed', count: 2 },
  { blockId: 'RUN-demo/flaky', target: 'local', status: 'passed', count: 1 },
];
const INCIDENTS: OpenIncidentCount[] = [{ blockId: 'RUN-demo/flaky', target: 'local', failureKind: 'exit_nonzero', count: 1 }];
const TARGETS = [
  { name: 'local', reachable: true },
  { name: 'remote', reachable: false },
  { name: 'pending', reachable: null },
];

/** Prometheus text format 0.0.4: a sample line. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? -?\d+(\.\d+)?$/;

describe('prometheusMetrics', () => {
  it('writes every family with HELP and TYPE, then its samples', () => {
    expect(prometheusMetrics(ROWS, RUNS, INCIDENTS, TARGETS)).toBe(
      [
        '# HELP runbook_live_check_up Last finished verdict of a check on a target: 1 passed, 0 failed; absent when it never finished.',
        '# TYPE runbook_live_check_up gauge',
        'runbook_live_check_up{check="RUN-demo/ok",target="local"} 1',
        'runbook_live_check_up{check="RUN-demo/flaky",target="local"} 0',
        'runbook_live_check_up{check="RUN-demo/broken",target="local"} 0',
        'runbook_live_check_up{check="RUN-demo/patched",target="local"} 0',
        '# HELP runbook_live_check_status Current dashboard status of a check on a target (1 for the status it is in).',
        '# TYPE runbook_live_check_status gauge',
        'runbook_live_check_status{check="RUN-demo/ok",target="local",status="passing"} 1',
        'runbook_live_check_status{check="RUN-demo/flaky",target="local",status="failing"} 1',
        'runbook_live_check_status{check="RUN-demo/broken",target="local",status="failing"} 1',
        'runbook_live_check_status{check="RUN-demo/new",target="local",status="never run"} 1',
        'runbook_live_check_status{check="RUN-demo/manual",target="local",status="not runnable"} 1',
        'runbook_live_check_status{check="RUN-demo/patched",target="local",status="maintenance"} 1',
        '# HELP runbook_live_check_maintenance Whether a check on a target is in a maintenance window now: 1 in one, 0 not.',
        '# TYPE runbook_live_check_maintenance gauge',
        'runbook_live_check_maintenance{check="RUN-demo/ok",target="local"} 0',
        'runbook_live_check_maintenance{check="RUN-demo/flaky",target="local"} 0',
        'runbook_live_check_maintenance{check="RUN-demo/broken",target="local"} 0',
        'runbook_live_check_maintenance{check="RUN-demo/new",target="local"} 0',
        'runbook_live_check_maintenance{check="RUN-demo/manual",target="local"} 0',
        'runbook_live_check_maintenance{check="RUN-demo/patched",target="local"} 1',
        '# HELP runbook_live_check_last_duration_seconds Duration of the last finished run of a check on a target.',
        '# TYPE runbook_live_check_last_duration_seconds gauge',
        'runbook_live_check_last_duration_seconds{check="RUN-demo/ok",target="local"} 1.234',
        'runbook_live_check_last_duration_seconds{check="RUN-demo/flaky",target="local"} 2.500',
        'runbook_live_check_last_duration_seconds{check="RUN-demo/broken",target="local"} 0.005',
        'runbook_live_check_last_duration_seconds{check="RUN-demo/patched",target="local"} 0.040',
        '# HELP runbook_live_check_runs_total Runs of a check on a target, by result.',
        '# TYPE runbook_live_check_runs_total counter',
        'runbook_live_check_runs_total{check="RUN-demo/ok",target="local",result="passed"} 3',
        'runbook_live_check_runs_total{check="RUN-demo/flaky",target="local",result="failed"} 2',
        'runbook_live_check_runs_total{check="RUN-demo/flaky",target="local",result="passed"} 1',
        '# HELP runbook_live_incidents_open Open incidents of a check on a target, by failure kind.',
        '# TYPE runbook_live_incidents_open gauge',
        'runbook_live_incidents_open{check="RUN-demo/flaky",target="local",kind="exit_nonzero"} 1',
        '# HELP runbook_live_target_up Whether a Docker target answered its last probe.',
        '# TYPE runbook_live_target_up gauge',
        'runbook_live_target_up{target="local"} 1',
        'runbook_live_target_up{target="remote"} 0',
        '',
      ].join('\n'),
    );
  });

  it('parses line by line as the text format: comments, or name{labels} value; ends with a newline', () => {
    const text = prometheusMetrics(ROWS, RUNS, INCIDENTS, TARGETS);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    const declared = new Map<string, string>();
    for (const line of lines) {
      const comment = /^# (HELP|TYPE) ([a-z_]+) (.+)$/.exec(line);
      if (comment) {
        if (comment[1] === 'TYPE') {
          expect(['gauge', 'counter']).toContain(comment[3]);
          declared.set(comment[2]!, comment[3]!);
        }
        continue;
      }
      expect(line).toMatch(SAMPLE);
      // Every sample belongs to a family whose TYPE came before it.
      expect(declared.has(line.split(/[{ ]/)[0]!)).toBe(true);
    }
    // Every family is declared once, HELP right before TYPE.
    const helps = lines.filter((l) => l.startsWith('# HELP')).map((l) => l.split(' ')[2]);
    expect(new Set(helps).size).toBe(helps.length);
    for (const [i, line] of lines.entries()) if (line.startsWith('# HELP')) expect(lines[i + 1]).toBe(`# TYPE ${line.split(' ')[2]} ${declared.get(line.split(' ')[2]!)}`);
  });

  it('still declares every family when there is nothing to report', () => {
    const text = prometheusMetrics([], [], [], []);
    expect(text.split('\n').filter((l) => l.startsWith('# TYPE'))).toEqual([
      '# TYPE runbook_live_check_up gauge',
      '# TYPE runbook_live_check_status gauge',
      '# TYPE runbook_live_check_maintenance gauge',
      '# TYPE runbook_live_check_last_duration_seconds gauge',
      '# TYPE runbook_live_check_runs_total counter',
      '# TYPE runbook_live_incidents_open gauge',
      '# TYPE runbook_live_target_up gauge',
    ]);
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([]);
  });

  it('leaves check_up out for a check that never finished, or whose last run was cancelled', () => {
    const rows = [dashRow('RUN-demo/c', 'local', 'cancelled', 'cancelled', null), dashRow('RUN-demo/i', 'local', 'cancelled', 'interrupted', null)];
    expect(prometheusMetrics(rows, [], [], []).split('\n').filter((l) => l.startsWith('runbook_live_check_up'))).toEqual([]);
  });

  it('escapes backslashes, double quotes and newlines in label values', () => {
    const odd = 'RUN-x/a"b\\c\nd';
    const text = prometheusMetrics(
      [dashRow(odd, 'local', 'passing', 'passed', 1000)],
      [{ blockId: odd, target: 'tar"get', status: 'passed', count: 1 }],
      [{ blockId: odd, target: 'local', failureKind: 'back\\slash', count: 2 }],
      [{ name: 'new\nline', reachable: true }],
    );
    const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
    for (const line of samples) expect(line).toMatch(SAMPLE);
    expect(samples).toContain('runbook_live_check_up{check="RUN-x/a\\"b\\\\c\\nd",target="local"} 1');
    expect(samples).toContain('runbook_live_check_runs_total{check="RUN-x/a\\"b\\\\c\\nd",target="tar\\"get",result="passed"} 1');
    expect(samples).toContain('runbook_live_incidents_open{check="RUN-x/a\\"b\\\\c\\nd",target="local",kind="back\\\\slash"} 2');
    expect(samples).toContain('runbook_live_target_up{target="new\\nline"} 1');
  });

  // Scrapes during a run must not see the check's verdict disappear.
  it('keeps the last finished verdict while the next run is going', () => {
    const row = dashRow('RUN-demo/flaky', 'local', 'running', 'running', null, { status: 'failed', durationMs: 2500 });
    const text = prometheusMetrics([row], [{ blockId: 'RUN-demo/flaky', target: 'local', status: 'failed', count: 1 }], [], []);
    expect(text).toContain('runbook_live_check_last_duration_seconds{check="RUN-demo/flaky",target="local"} 2.500');
    expect(text).toMatch(/^runbook_live_check_up\{check="RUN-demo\/flaky",target="local"\} 0$/m);
  });
});
