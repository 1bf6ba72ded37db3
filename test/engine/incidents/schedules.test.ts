import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../support/server.ts';
import { isFinal, RunsApi, type RunJson } from '../runs/harness.ts';
import { currentTestName, expectNothingLeftOfRuns } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import { startBuiltServer, FIXTURES, IncidentsApi, makeIncidentWorld, RUNNER_DIR, type IncidentWorld } from './support.ts';

// Scheduled checks on the built server against the real engine: `every=` blocks run on their
// interval with trigger `schedule`, the first within the start-up window, and a check that is
// still running when it comes due again is skipped rather than stacked. The exact rules are
// proven on an injected clock in test/unit/schedules/scheduler.test.ts; the server takes no
// clock, so here they are checked on the wall clock, within tolerances.

const TICK = 'RUN-schedules/tick';
const SLOW = 'RUN-schedules/slow';
const FIXTURE = 'runbook-schedules.md';
/** `schedules.startup_window_seconds` for this server: each check first runs within it. */
const WINDOW_SECONDS = 1;

type ScheduledRun = RunJson & { trigger: string; actor: string };

let world: IncidentWorld;
let server: RunningServer;
let api: RunsApi;
let dash: IncidentsApi;
let bootedAt: number;
let readyAt: number;

async function runsOf(blockId: string): Promise<ScheduledRun[]> {
  const runs = (await dash.runsOf(blockId)) as ScheduledRun[];
  return runs.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

beforeAll(async () => {
  world = makeIncidentWorld({
    copyContent: false,
    fixtures: [FIXTURE],
    systemsYaml: `targets:
  local:
    url: unix:///var/run/docker.sock
systems:
  schedule-probes:
    dir: ${JSON.stringify(RUNNER_DIR)}
    targets: [local]
runs:
  concurrency: 4
  timeout_seconds: 60
schedules:
  startup_window_seconds: ${WINDOW_SECONDS}
`,
  });
  bootedAt = Date.now();
  server = await startBuiltServer({ ...world.env, RUNBOOK_LIVE_SCHEDULES: 'on' }, { docIds: ['RUN-schedules'] });
  readyAt = Date.now();
  api = new RunsApi(server);
  dash = new IncidentsApi(server);
});

afterEach(async () => {
  // The scheduler starts runs on its own, through every test; those that have ended, whichever
  // test saw them, leave nothing. Runs still going are stopped and checked in afterAll.
  const ended = [...(await runsOf(TICK)), ...(await runsOf(SLOW))].filter((run) => isFinal(run.status));
  await expectNothingLeftOfRuns(ended.map((run) => run.id), `the scheduler, by the end of ${currentTestName()}`);
});

afterAll(async () => {
  try {
    if (!server) return;
    // Take the schedules out of the doc (it is read on every request), so nothing new starts,
    // then let what is still going end before the server stops.
    world.docs.write(`runbooks/${FIXTURE}`, readFileSync(path.join(FIXTURES, FIXTURE), 'utf8').replace(/ every=\S+/g, ''));
    // `schedule` comes from the doc, `nextRunAt` from the scheduler's own state, which only a
    // tick that read the new doc drops. Ticks never overlap and start their runs before they
    // end, so once every row has neither, the scheduler has started all it ever will: no pause.
    await pollUntil('the scheduler to drop the schedules', async () => {
      const rows = await dash.checks();
      return rows.every((row) => row.schedule === null && row.nextRunAt === null) ? rows : undefined;
    });
    const all = [...(await runsOf(TICK)), ...(await runsOf(SLOW))];
    for (const run of all) if (!isFinal(run.status)) await api.cancel(run.id);
    for (const run of all) await api.waitFinished(run.id, 20_000);
    const after = [...(await runsOf(TICK)), ...(await runsOf(SLOW))];
    expect(after.map((r) => r.id).sort()).toEqual(all.map((r) => r.id).sort());
    await expectNothingLeftOfRuns(after.map((r) => r.id), 'the scheduler');
  } finally {
    await server?.stop();
    world?.cleanup();
  }
});

describe('scheduled checks', () => {
  it('every=2s: at least two runs with trigger schedule within ~10 s, the first within the start-up window; the row shows the schedule and the next run', async () => {
    const finished = await pollUntil(
      'two finished scheduled runs of tick',
      async () => {
        const runs = (await runsOf(TICK)).filter((r) => isFinal(r.status));
        return runs.length >= 2 ? runs : undefined;
      },
      { timeoutMs: 10_000, everyMs: 200 },
    );
    for (const run of finished) {
      expect(run, run.message ?? '').toMatchObject({ status: 'passed', trigger: 'schedule', actor: 'scheduler', target: 'local' });
      expect((await api.run(run.id)).logs.some((line) => line.stream === 'stdout' && line.text === 'tick')).toBe(true);
    }
    // The scheduler starts once the server has answered: the first run comes within the window
    // of that (plus the scheduler's 1 s tick and a second of slack), not a whole interval later.
    const first = Date.parse(finished[0]!.createdAt);
    expect(first).toBeGreaterThanOrEqual(bootedAt);
    expect(first - readyAt).toBeLessThanOrEqual(WINDOW_SECONDS * 1000 + 2_000);
    // About one interval apart: 2 s ±10%, rounded up to the scheduler's 1 s tick.
    const gap = Date.parse(finished[1]!.createdAt) - Date.parse(finished[0]!.createdAt);
    expect(gap).toBeGreaterThanOrEqual(1_700);
    expect(gap).toBeLessThan(3_600);

    const row = await dash.row(TICK, 'local');
    expect(row.schedule).toEqual({ everySeconds: 2, label: 'every 2s' });
    expect(row.nextRunAt).not.toBeNull();
    const next = Date.parse(row.nextRunAt!);
    expect(next).not.toBeNaN();
    expect(next).toBeGreaterThan(Date.parse(finished[1]!.createdAt));
    expect(next - Date.now()).toBeLessThanOrEqual(2_300);

    await expectNothingLeftOfRuns(finished.map((r) => r.id));
  }, 30_000);

  it('every=1s on a 4 s check: never two runs at once, and the skips are counted', async () => {
    const finished = await pollUntil(
      'two finished scheduled runs of slow',
      async () => {
        const runs = (await runsOf(SLOW)).filter((r) => isFinal(r.status));
        return runs.length >= 2 ? runs : undefined;
      },
      { timeoutMs: 25_000, everyMs: 200 },
    );
    const runs = await runsOf(SLOW);
    for (const run of runs) expect(run).toMatchObject({ trigger: 'schedule', actor: 'scheduler' });
    for (const run of finished) expect(run, run.message ?? '').toMatchObject({ status: 'passed' });
    for (const run of finished) expect(Date.parse(run.finishedAt!) - Date.parse(run.startedAt!)).toBeGreaterThanOrEqual(4_000);

    // No two runs overlap: each was created only after the previous one had finished.
    for (let i = 1; i < runs.length; i++) {
      const previous = runs[i - 1]!;
      const current = runs[i]!;
      expect(previous.finishedAt, `run ${previous.id} had not finished when ${current.id} was created`).not.toBeNull();
      expect(Date.parse(current.createdAt)).toBeGreaterThanOrEqual(Date.parse(previous.finishedAt!));
    }
    for (const a of runs) {
      for (const b of runs) {
        if (a === b || !a.startedAt || !b.startedAt) continue;
        const aEnd = a.finishedAt ? Date.parse(a.finishedAt) : Infinity;
        const bEnd = b.finishedAt ? Date.parse(b.finishedAt) : Infinity;
        const overlap = Date.parse(a.startedAt) < bEnd && Date.parse(b.startedAt) < aEnd;
        expect(overlap, `runs ${a.id} and ${b.id} overlap`).toBe(false);
      }
    }

    const row = await dash.row(SLOW, 'local');
    expect(row.schedule).toEqual({ everySeconds: 1, label: 'every 1s' });
    expect(row.nextRunAt).not.toBeNull();
    expect(row.skippedWhileRunning).toBeGreaterThan(0);

    await expectNothingLeftOfRuns(finished.map((r) => r.id));
  }, 40_000);
});
