import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startServer, warmUp, type RunningServer } from '../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../support/temp-docs.ts';
import { expectNothingLeftOfRuns } from '../support/docker-leftovers.ts';
import { pollUntil } from '../support/poll.ts';

const block = (info: string, source: string) => `\`\`\`${info}\n${source}\n\`\`\``;
const BODY = [
  '## Checks',
  '',
  block('bash { name=ok check }', `docker run --rm --network none python:3.13-slim python3 -c "print('fine')"`),
  '',
  block('bash { name=bad check }', `docker run --rm --network none python:3.13-slim python3 -c "raise SystemExit(3)"`),
  '',
  block('bash { name=elsewhere check }', 'ssh prod "docker ps"'),
  '',
  block('bash { name=not-a-check }', 'docker image inspect python:3.13-slim'),
  '',
  '## Troubleshooting',
  '',
  '### It exits non-zero',
  '',
  'Covers: `exit_nonzero`',
  '',
].join('\n');

let docs: TempDocs;
let work: string;
let server: RunningServer;
const runIds: string[] = [];

type ApiRow = { key: string; blockId: string; name: string; hash: string; target: string; status: string; lastDurationMs: number | null; openIncidents: number };
type Run = { id: string; status: string; startedAt: string | null; finishedAt: string | null; failureKind: string | null };

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-standards-'));
  writeFileSync(path.join(work, 'systems.yaml'), `systems:\n  demo:\n    dir: ${work}\n`);
  docs = makeTempDocs();
  docs.write('runbooks/runbook-std.md', doc({ type: 'runbook', id: 'RUN-std', title: 'Standards', status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, BODY));
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: path.join(work, 'data'), SYSTEMS_CONFIG: path.join(work, 'systems.yaml') });
  await warmUp(server.url, ['/dashboard', '/api/checks', '/api/runs', '/api/runs/none', '/badge/x.svg', '/metrics', '/healthz']);
});

afterAll(async () => {
  await server?.stop();
  docs?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function getJson<T>(route: string): Promise<T> {
  const response = await fetch(`${server.url}${route}`);
  expect(response.status, route).toBe(200);
  return (await response.json()) as T;
}

async function checks(): Promise<ApiRow[]> {
  return (await getJson<{ rows: ApiRow[] }>('/api/checks')).rows;
}

/** `pollUntil` with this file's patience: runs here start containers. */
function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  return pollUntil(what, probe, { timeoutMs: 30_000, everyMs: 200 });
}

/** Starts a run of a check through the API and waits for its verdict. */
async function runToEnd(blockId: string): Promise<Run> {
  const row = (await checks()).find((r) => r.blockId === blockId)!;
  const response = await fetch(`${server.url}/api/runs`, {
    method: 'POST',
    headers: server.authHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify({ block: row.blockId, hash: row.hash, target: row.target }),
  });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  runIds.push(id);
  return until(`run ${id} of ${blockId}`, async () => {
    const run = await getJson<Run>(`/api/runs/${id}`);
    return ['passed', 'failed', 'errored', 'cancelled', 'interrupted'].includes(run.status) ? run : null;
  });
}

async function badge(route: string) {
  const response = await fetch(`${server.url}${route}`);
  const body = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body };
}

function badgeText(svg: string): string[] {
  const parsed = new XMLParser().parse(svg) as { svg: { g: { text: string[] } } };
  return parsed.svg.g.text;
}

async function metrics(): Promise<{ type: string | null; text: string; samples: Map<string, number> }> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { type: response.headers.get('content-type'), text, samples };
}

/** The rows the dashboard page shows, as its markup says. */
async function htmlRows(route = '/dashboard'): Promise<Array<{ key: string; status: string; badge: string }>> {
  const response = await fetch(`${server.url}${route}`);
  const html = await response.text();
  expect(response.status, `${route}: ${html.slice(0, 2000)}`).toBe(200);
  expect(html, route).toContain('<h1>Smoke dashboard</h1>');
  return [...html.matchAll(/<tr class="check-row"[^>]*>[\s\S]*?<\/tr>/g)].map(([tr]) => ({
    key: /data-key="([^"]*)"/.exec(tr)![1]!,
    status: /data-status="([^"]*)"/.exec(tr)![1]!,
    badge: /class="run-status-badge check-status"[^>]*>([^<]*)</.exec(tr)![1]!,
  }));
}

const decode = (text: string) => text.replace(/&#x2F;|&#47;/g, '/').replace(/&amp;/g, '&');

describe('standard endpoints of a real server', () => {
  it('/healthz says ok, counts the docs and reports target health once probed', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const health = await until('a probed target', async () => {
      const body = await getJson<{ status: string; docs: number; targets: Array<{ name: string; reachable: boolean | null }> }>('/healthz');
      return body.targets[0]?.reachable !== null ? body : null;
    });
    expect(health).toMatchObject({ status: 'ok', docs: 1 });
    expect(health.targets).toEqual([
      { name: 'local', url: 'unix:///var/run/docker.sock', reachable: true, engineVersion: expect.any(String), apiVersion: expect.any(String), error: null, checkedAt: expect.any(String) },
    ]);
  });

  it('serves a badge per check as well-formed SVG, and 404 with "unknown" for an unknown check', async () => {
    const before = await badge('/badge/RUN-std/ok.svg');
    expect(before.status).toBe(200);
    expect(before.type).toBe('image/svg+xml; charset=utf-8');
    expect(XMLValidator.validate(before.body)).toBe(true);
    expect(badgeText(before.body)).toEqual(['ok', 'never run']);

    const manual = await badge('/badge/RUN-std/elsewhere.svg');
    expect(badgeText(manual.body)).toEqual(['elsewhere', 'not runnable']);

    for (const route of ['/badge/RUN-std/nope.svg', '/badge/RUN-std/not-a-check.svg', '/badge/RUN-nobody/x.svg?target=local']) {
      const unknown = await badge(route);
      expect(unknown.status, route).toBe(404);
      expect(unknown.type).toBe('image/svg+xml; charset=utf-8');
      expect(XMLValidator.validate(unknown.body)).toBe(true);
      expect(badgeText(unknown.body)[1]).toBe('unknown');
    }
    const odd = await badge(`/badge/${encodeURIComponent('<x&"y">')}.svg`);
    expect(odd.status).toBe(404);
    expect(XMLValidator.validate(odd.body)).toBe(true);
  });

  it('after one passing and one failing run, badges, /metrics and incidents say so', async () => {
    const passed = await runToEnd('RUN-std/ok');
    const failed = await runToEnd('RUN-std/bad');
    expect(passed.status).toBe('passed');
    expect(failed).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero' });

    expect(badgeText((await badge('/badge/RUN-std/ok.svg')).body)).toEqual(['ok', 'passing']);
    // By full id or by a unique name, and narrowed to a target.
    expect(badgeText((await badge('/badge/bad.svg')).body)).toEqual(['bad', 'failing']);
    expect(badgeText((await badge('/badge/RUN-std/bad.svg?target=local')).body)).toEqual(['bad', 'failing']);
    expect((await badge('/badge/RUN-std/bad.svg?target=elsewhere')).status).toBe(404);

    // The incident is opened just after the run finishes.
    const { type, text, samples } = await until('the open incident in /metrics', async () => {
      const m = await metrics();
      return m.samples.has('runbook_live_incidents_open{check="RUN-std/bad",target="local",kind="exit_nonzero"}') ? m : null;
    });
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const [family, kind] of [
      ['runbook_live_check_up', 'gauge'],
      ['runbook_live_check_last_duration_seconds', 'gauge'],
      ['runbook_live_check_runs_total', 'counter'],
      ['runbook_live_incidents_open', 'gauge'],
    ] as const) {
      expect(text).toMatch(new RegExp(`^# HELP ${family} \\S.*$`, 'm'));
      expect(text).toMatch(new RegExp(`^# TYPE ${family} ${kind}$`, 'm'));
    }
    expect(samples.get('runbook_live_check_up{check="RUN-std/ok",target="local"}')).toBe(1);
    expect(samples.get('runbook_live_check_up{check="RUN-std/bad",target="local"}')).toBe(0);
    expect(samples.has('runbook_live_check_up{check="RUN-std/elsewhere",target="local"}')).toBe(false);

    const seconds = (run: Run) => (Date.parse(run.finishedAt!) - Date.parse(run.startedAt!)) / 1000;
    expect(samples.get('runbook_live_check_last_duration_seconds{check="RUN-std/ok",target="local"}')).toBeCloseTo(seconds(passed), 3);
    expect(samples.get('runbook_live_check_last_duration_seconds{check="RUN-std/bad",target="local"}')).toBeCloseTo(seconds(failed), 3);

    expect(samples.get('runbook_live_check_runs_total{check="RUN-std/ok",target="local",result="passed"}')).toBe(1);
    expect(samples.get('runbook_live_check_runs_total{check="RUN-std/bad",target="local",result="failed"}')).toBe(1);
    expect([...samples.keys()].filter((k) => k.startsWith('runbook_live_check_runs_total')).length).toBe(2);

    expect(samples.get('runbook_live_incidents_open{check="RUN-std/bad",target="local",kind="exit_nonzero"}')).toBe(1);
    expect([...samples.keys()].filter((k) => k.startsWith('runbook_live_incidents_open'))).toHaveLength(1);
    expect(samples.get('runbook_live_check_status{check="RUN-std/ok",target="local",status="passing"}')).toBe(1);
    expect(samples.get('runbook_live_check_status{check="RUN-std/bad",target="local",status="failing"}')).toBe(1);
    expect(samples.get('runbook_live_target_up{target="local"}')).toBe(1);

    // A second failure adds to the counter but not to the open incidents.
    const again = await runToEnd('RUN-std/bad');
    expect(again.status).toBe('failed');
    const after = await until('the second failure counted', async () => {
      const m = await metrics();
      return m.samples.get('runbook_live_check_runs_total{check="RUN-std/bad",target="local",result="failed"}') === 2 ? m : null;
    });
    expect(after.samples.get('runbook_live_incidents_open{check="RUN-std/bad",target="local",kind="exit_nonzero"}')).toBe(1);
    expect(after.samples.get('runbook_live_check_last_duration_seconds{check="RUN-std/bad",target="local"}')).toBeCloseTo(seconds(again), 3);

    await expectNothingLeftOfRuns(runIds);
  });

  it('GET /api/checks has the same rows, keys and statuses as the dashboard page', async () => {
    const api = await checks();
    const html = await htmlRows();
    expect(html.map((r) => decode(r.key))).toEqual(api.map((r) => r.key));
    expect(html.map((r) => r.status)).toEqual(api.map((r) => r.status));
    expect(html.map((r) => r.badge)).toEqual(api.map((r) => r.status));
    expect(api.map((r) => `${r.key}=${r.status}`)).toEqual(['RUN-std/ok@local=passing', 'RUN-std/bad@local=failing', 'RUN-std/elsewhere@local=not runnable']);
    expect(api.find((r) => r.key === 'RUN-std/bad@local')!.openIncidents).toBe(1);

    // The same filters narrow both the same way.
    for (const query of ['status=failing', 'status=passing', 'target=local', 'doc=RUN-std&status=not+runnable', 'status=queued']) {
      const filtered = (await getJson<{ rows: ApiRow[] }>(`/api/checks?${query}`)).rows;
      expect((await htmlRows(`/dashboard?${query}`)).map((r) => `${decode(r.key)}=${r.status}`), query).toEqual(filtered.map((r) => `${r.key}=${r.status}`));
    }

    const dashboard = await getJson<{ counts: Record<string, number>; generatedAt: string; options: { statuses: string[] } }>('/api/checks');
    expect(dashboard.counts).toMatchObject({ passing: 1, failing: 1, 'not runnable': 1, running: 0, queued: 0 });
    expect(Number.isNaN(Date.parse(dashboard.generatedAt))).toBe(false);
  });
});
