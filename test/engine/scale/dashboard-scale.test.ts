// Correctness at scale (not timing): 200 checks and 20,000 stored runs, seeded before the
// server starts; GET /api/checks and /dashboard must show exactly what was seeded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardRow } from '../../../src/lib/dashboard/dashboard-data.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import { startServer, type RunningServer } from '../../support/server.ts';
import { DAY_MS, TARGET, makeScaleWorld, type ScaleWorld } from './world.ts';

let world: ScaleWorld;
let server: RunningServer;

beforeAll(async () => {
  world = makeScaleWorld();
  server = await startServer(world.env);
});

afterAll(async () => {
  await server?.stop();
  world?.cleanup();
});

interface Expected {
  status: 'passing' | 'failing';
  lastRunId: string;
  lastDurationMs: number;
  passRate24h: number | null;
  passRate7d: number | null;
  durations: number[];
}

/** What a row must show, computed from the seed data alone (not from the server's SQL). */
function expectedRows(runs: RunRecord[], now: number): Map<string, Expected> {
  const byBlock = new Map<string, RunRecord[]>();
  for (const run of runs) byBlock.set(run.blockId, [...(byBlock.get(run.blockId) ?? []), run]);
  const duration = (run: RunRecord) => Date.parse(run.finishedAt!) - Date.parse(run.startedAt!);
  const rate = (list: RunRecord[]) => (list.length === 0 ? null : list.filter((r) => r.status === 'passed').length / list.length);
  const expected = new Map<string, Expected>();
  for (const [blockId, list] of byBlock) {
    const ordered = [...list].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const latest = ordered.at(-1)!;
    expected.set(blockId, {
      status: latest.status === 'passed' ? 'passing' : 'failing',
      lastRunId: latest.id,
      lastDurationMs: duration(latest),
      passRate24h: rate(ordered.filter((r) => Date.parse(r.createdAt) >= now - DAY_MS)),
      passRate7d: rate(ordered.filter((r) => Date.parse(r.createdAt) >= now - 7 * DAY_MS)),
      durations: ordered.slice(-20).map(duration),
    });
  }
  return expected;
}

describe('the dashboard with 200 checks and 20,000 stored runs', () => {
  it('seeded the world it claims', () => {
    expect(world.checks).toHaveLength(200);
    expect(world.runs).toHaveLength(20_000);
    expect(new Set(world.runs.map((r) => r.status))).toEqual(new Set(['passed', 'failed', 'errored']));
    const ages = world.runs.map((r) => world.now - Date.parse(r.createdAt));
    expect(Math.min(...ages)).toBeGreaterThan(0);
    expect(Math.max(...ages)).toBeLessThan(10 * DAY_MS);
  });

  it('GET /api/checks has one row per check, with the seeded status, pass rates and durations', async () => {
    const response = await fetch(`${server.url}/api/checks?limit=200`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: DashboardRow[]; counts: Record<string, number>; total: number; limit: number };
    expect(body).toMatchObject({ total: 200, limit: 200, offset: 0, sort: 'doc' });
    expect(body.rows).toHaveLength(200);
    expect(body.rows.map((r) => r.blockId)).toEqual(world.checks.map((c) => c.blockId));
    expect(new Set(body.rows.map((r) => r.target))).toEqual(new Set([TARGET]));

    const expected = expectedRows(world.runs, world.now);
    const statuses = [...expected.values()].map((e) => e.status);
    const passing = statuses.filter((s) => s === 'passing').length;
    // The seed mixes both outcomes, so the comparison below means something.
    expect(passing).toBeGreaterThan(20);
    expect(200 - passing).toBeGreaterThan(20);
    expect(body.counts).toMatchObject({ passing, failing: 200 - passing, 'never run': 0, unreachable: 0, running: 0, queued: 0, 'not runnable': 0 });

    const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-9);
    const mismatches: string[] = [];
    for (const row of body.rows) {
      const e = expected.get(row.blockId)!;
      const got = { status: row.status, lastRunId: row.lastRun?.id, lastDurationMs: row.lastDurationMs, passRate24h: row.passRate24h, passRate7d: row.passRate7d, durations: row.durations };
      const same =
        got.status === e.status &&
        got.lastRunId === e.lastRunId &&
        got.lastDurationMs === e.lastDurationMs &&
        close(got.passRate24h, e.passRate24h) &&
        close(got.passRate7d, e.passRate7d) &&
        JSON.stringify(got.durations) === JSON.stringify(e.durations);
      if (!same) mismatches.push(`${row.blockId}: got ${JSON.stringify(got)}, expected ${JSON.stringify(e)}`);
    }
    expect(mismatches).toEqual([]);

    // A few rows spelled out, so a failure reads plainly.
    for (const blockId of ['RUN-scale-00/c0', 'RUN-scale-09/c97', 'RUN-scale-19/c199']) {
      const row = body.rows.find((r) => r.blockId === blockId)!;
      const e = expected.get(blockId)!;
      expect(row.status).toBe(e.status);
      expect(row.passRate24h).toBe(e.passRate24h);
      expect(row.passRate7d).toBe(e.passRate7d);
      expect(row.lastRun?.id).toBe(e.lastRunId);
    }
    // Some checks have no run in the last 24 h: their 24 h rate is absent, not 0.
    expect([...expected.values()].some((e) => e.passRate24h === null)).toBe(true);
  });

  it('/dashboard renders the 200 check rows over two pages of 100, with the same statuses and rates', async () => {
    const pages: string[] = [];
    for (const query of ['', '?offset=100']) {
      const response = await fetch(`${server.url}/dashboard${query}`);
      expect(response.status).toBe(200);
      pages.push(await response.text());
    }
    expect(pages[0]).toContain('rows 1–100 of 200');
    expect(pages[0]).toContain('<a rel="next" href="/dashboard?offset=100">');
    expect(pages[1]).toContain('rows 101–200 of 200');
    expect(pages[1]).toContain('<a rel="prev" href="/dashboard">');
    const rows = pages.flatMap((html) => [...html.matchAll(/<tr class="check-row"[^>]*>[\s\S]*?<\/tr>/g)].map((m) => m[0]));
    expect(rows).toHaveLength(200);
    const expected = expectedRows(world.runs, world.now);
    const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);
    for (const [i, row] of rows.entries()) {
      const blockId = /data-block-id="([^"]+)"/.exec(row)?.[1];
      expect(blockId).toBe(world.checks[i]!.blockId);
      const e = expected.get(blockId!)!;
      expect(/data-status="([^"]+)"/.exec(row)?.[1]).toBe(e.status);
      expect(/<td class="rate-24h"[^>]*>([^<]*)<\/td>/.exec(row)?.[1]).toBe(percent(e.passRate24h));
      expect(/<td class="rate-7d"[^>]*>([^<]*)<\/td>/.exec(row)?.[1]).toBe(percent(e.passRate7d));
      expect(row).toContain(`href="/runs/${e.lastRunId}"`);
    }
  });

  it('GET /api/checks pages, filters and sorts over all rows, with totals', async () => {
    const get = async (query: string) => {
      const response = await fetch(`${server.url}/api/checks?${query}`);
      expect(response.status, query).toBe(200);
      return (await response.json()) as { rows: DashboardRow[]; total: number; offset: number; counts: Record<string, number> };
    };
    const expected = expectedRows(world.runs, world.now);
    const page = await get('limit=50&offset=150');
    expect(page.total).toBe(200);
    expect(page.rows.map((r) => r.blockId)).toEqual(world.checks.slice(150).map((c) => c.blockId));
    const failing = await get('status=failing&limit=500');
    expect(failing.total).toBe([...expected.values()].filter((e) => e.status === 'failing').length);
    expect(failing.total).toBe(failing.counts.failing);
    expect(new Set(failing.rows.map((r) => r.status))).toEqual(new Set(['failing']));
    // Newest run first, across every check, not only the first page's.
    const newest = await get('sort=last-run&limit=10');
    const newestSeeded = [...world.runs].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    const firstPerCheck = [...new Map(newestSeeded.map((r) => [r.blockId, r] as const).reverse()).values()]
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .slice(0, 10);
    expect(newest.rows.map((r) => r.lastRun?.id)).toEqual(firstPerCheck.map((r) => r.id));
    const byStatus = await get('sort=status&limit=200');
    expect(byStatus.rows.map((r) => r.status)).toEqual([...byStatus.rows.map((r) => r.status)].sort((a, b) => (a === b ? 0 : a === 'failing' ? -1 : 1)));

    const refused = await fetch(`${server.url}/api/checks?limit=0`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      code: 'InvalidPageQuery',
      message: expect.stringMatching(/^query parameter limit="0" cannot be used: .+ Expected sort one of doc, status, name, target, last-run, offset a whole number from 0, limit a whole number from 1 to 10000\.$/),
    });
  });
});
