// Run retention through the real server on a real SQLite file: a world of 50 checks × 2 targets
// and 10,000 runs over 10 days, a policy of the last 30 runs per check and target plus 3 days;
// the server prunes in the background, and exactly the runs the policy keeps are left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import type { DashboardRow } from '../../../src/lib/dashboard/dashboard-data.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import { pollUntil } from '../../support/poll.ts';
import { startServer, type RunningServer } from '../../support/server.ts';
import { DAY_MS, makeScaleWorld, type ScaleWorld } from './world.ts';

const KEEP_LAST = 30;
const KEEP_DAYS = 3;
let world: ScaleWorld;
let server: RunningServer;

beforeAll(async () => {
  world = makeScaleWorld({ runbooks: 5, targets: 2, runsPerCheck: 100, runsConfig: `  retention: { keep_last: ${KEEP_LAST}, keep_days: ${KEEP_DAYS} }\n` });
  server = await startServer(world.env);
});

afterAll(async () => {
  await server?.stop();
  world?.cleanup();
});

/** The ids the policy keeps, from the seed alone. */
function kept(runs: RunRecord[], now: number): Set<string> {
  const ids = new Set<string>();
  for (const group of Map.groupBy(runs, (run) => `${run.blockId}@${run.target}`).values()) {
    group
      .toSorted((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .forEach((run, i) => {
        if (i < KEEP_LAST || Date.parse(run.createdAt) >= now - KEEP_DAYS * DAY_MS) ids.add(run.id);
      });
  }
  return ids;
}

describe('run retention in the server', () => {
  it('prunes to exactly the policy, and the health page shows the database and the oldest run kept', async () => {
    expect(world.runs).toHaveLength(10_000);
    const health = await pollUntil(
      'the health page to report a finished prune',
      async () => {
        const html = await (await fetch(`${server.url}/health`)).text();
        return /last prune [^:<]+:[^:<]+:[^:<]+: (\d+) runs removed/.test(html) ? html : null;
      },
      { timeoutMs: 60_000, everyMs: 200 },
    );
    // The prune ran at server start, a few ms after `world.now`: no seeded run sits that close to the cutoff.
    const expected = kept(world.runs, world.now);
    // The seed's ages are fixed, so this holds on every run: no seeded run is near the cutoff.
    expect(kept(world.runs, Date.now())).toEqual(expected);
    expect(expected.size).toBeGreaterThan(100 * KEEP_LAST);
    expect(expected.size).toBeLessThan(world.runs.length);
    const db = new DatabaseSync(world.databaseFile, { readOnly: true });
    const left = new Set((db.prepare('SELECT id FROM runs').all() as Array<{ id: string }>).map((row) => row.id));
    const mode = db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
    db.close();
    expect(left.size).toBe(expected.size);
    expect([...left].filter((id) => !expected.has(id))).toEqual([]);
    expect(mode.journal_mode).toBe('wal');

    expect(health).toContain(`last prune`);
    expect(health).toContain(`: ${world.runs.length - expected.size} runs removed`);
    expect(health).toContain(`retention: last ${KEEP_LAST} runs per check and target, plus ${KEEP_DAYS} days`);
    const oldestKept = world.runs.filter((r) => expected.has(r.id)).map((r) => r.createdAt).sort()[0];
    expect(/id="oldest-run">([^<]+)</.exec(health)?.[1]).toBe(oldestKept);
    expect(/Run database: <strong data-bytes="(\d+)">/.exec(health)?.[1]).toMatch(/^\d{5,}$/);

    // The dashboard still shows every check's newest run.
    const body = (await (await fetch(`${server.url}/api/checks?limit=1000`)).json()) as { rows: DashboardRow[]; total: number };
    expect(body.total).toBe(100);
    for (const row of body.rows) expect(left.has(row.lastRun!.id)).toBe(true);
  });
});
