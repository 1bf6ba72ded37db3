import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSystemsConfig } from '../../../src/lib/systems/load-systems-config.ts';

// Maintenance windows in runbook-live.yaml: both forms read, and each mistake named by its
// field, with the form that was expected. The messages are part of the interface.

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function write(yaml: string): string {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-maintenance-'));
  writeFileSync(path.join(dir, 'systems.yaml'), yaml);
  return path.join(dir, 'systems.yaml');
}

function targetWindow(window: string): string {
  return `targets:\n  local:\n    url: unix:///var/run/docker.sock\n    maintenance:\n      - ${window}\n`;
}

/** The message loading the file throws. */
function problem(yaml: string): string {
  try {
    loadSystemsConfig(write(yaml));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration loaded');
}

describe('maintenance windows in the systems configuration', () => {
  it('reads per-target windows and windows for named checks, in both forms', () => {
    const config = loadSystemsConfig(
      write(`targets:
  local:
    url: unix:///var/run/docker.sock
    maintenance:
      - from: 2026-06-01T02:00:00Z
        to: 2026-06-01T04:00:00Z
        reason: engine upgrade
  remote:
    url: tcp://remote:2376
maintenance:
  - checks: [RUN-runner-image/contract-smoke, RUN-incident-probes]
    targets: [remote]
    cron: "0 3 * * 0"
    duration: 2h
    timezone: Europe/Stockholm
    reason: weekly patching
`),
    );
    expect(config.maintenance?.size).toBe(2);
    const smoke = { target: 'remote', blockId: 'RUN-runner-image/contract-smoke', docId: 'RUN-runner-image' };
    expect(config.maintenance?.activeWindow(new Date('2026-06-07T01:30:00Z'), smoke)).toMatchObject({ reason: 'weekly patching', source: 'maintenance.0' });
    expect(config.maintenance?.activeWindow(new Date('2026-06-01T03:00:00Z'), { ...smoke, target: 'local' })).toMatchObject({ reason: 'engine upgrade', source: 'targets.local.maintenance.0' });
  });

  it('has no windows when the file declares none', () => {
    expect(loadSystemsConfig(write('systems: {}\n')).maintenance?.size).toBe(0);
  });

  it('names a cron expression croner refuses, with its message', () => {
    expect(problem(targetWindow('{ cron: "61 * * * *", duration: 2h }'))).toContain('targets.local.maintenance.0.cron: "61 * * * *" cannot be used: CronPattern: Invalid value for minute: 61');
    expect(problem(targetWindow('{ cron: "2026-06-01T00:00:00", duration: 1h }'))).toContain(
      'targets.local.maintenance.0.cron: "2026-06-01T00:00:00" cannot be used: this is a date, not a cron expression; a window that happens once is written with from and to',
    );
  });

  it('names a bad duration and an unknown time zone', () => {
    const message = problem(targetWindow('{ cron: "0 3 * * 0", duration: 2hours, timezone: Mars/Base }'));
    expect(message).toContain('targets.local.maintenance.0.duration: must be a duration such as 2h, 90m or 1h30m (d, h, m and s, largest first, more than zero)');
    expect(message).toContain('targets.local.maintenance.0.timezone: is not a time zone this server knows; use an IANA name such as Europe/Stockholm or UTC');
    expect(message).not.toContain('.cron:');
  });

  it('wants times with a zone, and to after from', () => {
    expect(problem(targetWindow('{ from: 2026-06-01T02:00:00, to: 2026-06-01T03:00:00Z }'))).toContain(
      'targets.local.maintenance.0.from: must be an ISO 8601 time with a zone, e.g. 2026-06-01T02:00:00Z or 2026-06-01T04:00:00+02:00',
    );
    expect(problem(targetWindow('{ from: 2026-06-01T02:00:00Z, to: 2026-06-01T03:00:00+02:00 }'))).toContain('targets.local.maintenance.0.to: must be after from (2026-06-01T02:00:00Z)');
  });

  it('says which fields each form takes when a window mixes them or has half of one', () => {
    expect(problem(targetWindow('{ cron: "0 3 * * 0", from: 2026-06-01T02:00:00Z }'))).toContain(
      'targets.local.maintenance.0: a window is either one-off (from and to) or recurring (cron and duration, optionally timezone), not both',
    );
    expect(problem(targetWindow('{ reason: nothing else }'))).toContain('targets.local.maintenance.0: a window is either one-off (from and to) or recurring (cron and duration, optionally timezone); this one has neither');
    expect(problem(targetWindow('{ cron: "0 3 * * 0" }'))).toContain('targets.local.maintenance.0.duration: a recurring window needs both cron and duration; duration is missing');
    expect(problem(targetWindow('{ from: 2026-06-01T02:00:00Z }'))).toContain('targets.local.maintenance.0.to: a one-off window needs both from and to; to is missing');
    expect(problem(targetWindow('{ from: 2026-06-01T02:00:00Z, to: 2026-06-01T03:00:00Z, checks: [RUN-a] }'))).toContain('targets.local.maintenance.0: Unrecognized key: "checks"');
  });

  it('wants checks on a top-level window, and only declared targets', () => {
    expect(problem('maintenance:\n  - { cron: "0 3 * * 0", duration: 2h }\n')).toContain('maintenance.0.checks: is missing: name the checks this window is for, by block id or doc id');
    expect(problem('maintenance:\n  - { checks: [], cron: "0 3 * * 0", duration: 2h }\n')).toContain('maintenance.0.checks: must name at least one check (a block id or a doc id)');
    expect(problem('maintenance:\n  - { checks: [RUN-a/b], targets: [nowhere], cron: "0 3 * * 0", duration: 2h }\n')).toContain(
      "maintenance.0.targets: unknown target 'nowhere'; declared targets: local",
    );
  });
});
