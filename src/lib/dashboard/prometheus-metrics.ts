import type { DashboardRow } from './dashboard-data.ts';

/** Counts of finished runs by block, target and status. */
export interface RunCount {
  blockId: string;
  target: string;
  status: string;
  count: number;
}

/** Open incidents by block, target and failure kind. */
export interface OpenIncidentCount {
  blockId: string;
  target: string;
  failureKind: string;
  count: number;
}

const NEEDS_ESCAPE = /[\\\n"]/;

function label(value: string): string {
  // Most values need nothing: skipping the three replaces matters at 10,000 checks × 7 families.
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs).map(([k, v]) => `${k}="${label(v)}"`).join(',')}}`;
}

/** What the exposition says of one check on one target. */
export interface MetricRow extends Pick<DashboardRow, 'blockId' | 'target' | 'status' | 'maintenance'> {
  lastFinished: { status: string; durationMs: number } | null;
}

/** Prometheus text exposition (version 0.0.4) of every check's state. */
export function prometheusMetrics(rows: MetricRow[], runs: RunCount[], incidents: OpenIncidentCount[], targets: Array<{ name: string; reachable: boolean | null }>): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  family('runbook_live_check_up', 'gauge', 'Last finished verdict of a check on a target: 1 passed, 0 failed; absent when it never finished.');
  for (const row of rows) {
    if (row.lastFinished) {
      out.push(`runbook_live_check_up${labels({ check: row.blockId, target: row.target })} ${row.lastFinished.status === 'passed' ? 1 : 0}`);
    }
  }
  family('runbook_live_check_status', 'gauge', 'Current dashboard status of a check on a target (1 for the status it is in).');
  for (const row of rows) out.push(`runbook_live_check_status${labels({ check: row.blockId, target: row.target, status: row.status })} 1`);
  family('runbook_live_check_maintenance', 'gauge', 'Whether a check on a target is in a maintenance window now: 1 in one, 0 not.');
  for (const row of rows) out.push(`runbook_live_check_maintenance${labels({ check: row.blockId, target: row.target })} ${row.maintenance ? 1 : 0}`);
  family('runbook_live_check_last_duration_seconds', 'gauge', 'Duration of the last finished run of a check on a target.');
  for (const row of rows) if (row.lastFinished) out.push(`runbook_live_check_last_duration_seconds${labels({ check: row.blockId, target: row.target })} ${(row.lastFinished.durationMs / 1000).toFixed(3)}`);
  family('runbook_live_check_runs_total', 'counter', 'Runs of a check on a target, by result.');
  for (const run of runs) out.push(`runbook_live_check_runs_total${labels({ check: run.blockId, target: run.target, result: run.status })} ${run.count}`);
  family('runbook_live_incidents_open', 'gauge', 'Open incidents of a check on a target, by failure kind.');
  for (const incident of incidents) out.push(`runbook_live_incidents_open${labels({ check: incident.blockId, target: incident.target, kind: incident.failureKind })} ${incident.count}`);
  family('runbook_live_target_up', 'gauge', 'Whether a Docker target answered its last probe.');
  for (const target of targets) if (target.reachable !== null) out.push(`runbook_live_target_up${labels({ target: target.name })} ${target.reachable ? 1 : 0}`);
  return `${out.join('\n')}\n`;
}
