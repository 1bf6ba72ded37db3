import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signIn } from '../../support/browser.ts';
import { expectNothingLeftOfRuns } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import type { RunningServer } from '../../support/server.ts';
import { RunsApi } from '../runs/harness.ts';
import { IncidentsApi, makeIncidentWorld, RUNNER_DIR, startBuiltServer, startWebhookReceiver, type IncidentWorld, type WebhookReceiver } from './support.ts';

// Maintenance windows end to end: the built server, a real SQLite file in a temp DATA_DIR, the
// real engine and Chromium. Three targets are the same engine: `local` has no window,
// `patched` is in a two-hour one-off window around now, and `brief`'s window ends a few
// seconds after the server starts, so the test sees a window end with no run to announce it.
// The `probe-image` check is in a recurring window of its own (cron), on every target.

const EXITS = 'RUN-incident-probes/exits-three';
const PROBE = 'RUN-incident-probes/probe-image';
const DOC_IDS = ['RUN-incident-probes'];
// Long enough for the server to start and answer once inside the window, short enough to wait for.
const BRIEF_MS = 25_000;

type RunWithMaintenance = { id: string; status: string; failureKind: string | null; maintenance: { reason: string | null; from: string; until: string; source: string } | null };

let receiver: WebhookReceiver;
let world: IncidentWorld;
let server: RunningServer;
let api: RunsApi;
let incidents: IncidentsApi;
let briefEnd: Date;
let browser: Browser | null = null;

function systemsYaml(now: number): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  return `targets:
  local:
    url: unix:///var/run/docker.sock
  patched:
    url: unix:///var/run/docker.sock
    maintenance:
      - from: ${iso(now - 3_600_000)}
        to: ${iso(now + 7_200_000)}
        reason: engine upgrade
  brief:
    url: unix:///var/run/docker.sock
    maintenance:
      - { from: "${iso(now - 60_000)}", to: "${briefEnd.toISOString()}", reason: short restart }
systems:
  incident-probes:
    dir: ${JSON.stringify(RUNNER_DIR)}
    variables:
      PROBE_IMAGE:
        default: python:3.13-slim
        kind: image
    targets: [local, patched, brief]
maintenance:
  # Every day at midnight UTC for two days: always on, and no boundary while the test runs.
  - checks: [${PROBE}, RUN-incident-probes/exits-tree]   # the second a typo, listed on the health page
    cron: "0 0 * * *"
    duration: 2d
    timezone: UTC
    reason: probe rework
runs:
  concurrency: 2
  timeout_seconds: 120
notifications:
  webhook: ${receiver.url}/hook
`;
}

async function text(pathname: string): Promise<string> {
  const response = await fetch(`${server.url}${pathname}`);
  expect(response.status, `GET ${pathname}`).toBe(200);
  return response.text();
}

/** The badge's status text, as its SVG title says it (`label: status`). */
async function badgeStatus(check: string, target?: string): Promise<string> {
  const svg = await text(`/badge/${check}.svg${target ? `?target=${target}` : ''}`);
  return /<title>[^<]*: ([^<]+)<\/title>/.exec(svg)![1]!;
}

/** Waits for the run's end to be handled: the mark appears with it, or the incident does. */
async function finishedInWindow(runId: string): Promise<RunWithMaintenance> {
  return pollUntil(`run ${runId} to be marked as ended in a maintenance window`, async () => {
    const run = (await api.run(runId)) as unknown as RunWithMaintenance;
    return run.maintenance ? run : undefined;
  });
}

/** Reads the dashboard's event stream (`/api/events`) until `until` aborts, keeping each frame's name and when it came. */
function followDashboardStream(until: AbortSignal): Promise<Array<{ event: string; data: Record<string, unknown>; at: number }>> {
  const frames: Array<{ event: string; data: Record<string, unknown>; at: number }> = [];
  return (async () => {
    try {
      const response = await fetch(`${server.url}/api/events`, { signal: until });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return frames;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (event && data) frames.push({ event, data: JSON.parse(data) as Record<string, unknown>, at: Date.now() });
        }
      }
    } catch (error) {
      if (until.aborted) return frames;
      throw error;
    }
  })();
}

beforeAll(async () => {
  // Launched before the clock starts: a slow launch must not eat into brief's window.
  browser = await launchBrowser();
  receiver = await startWebhookReceiver();
  world = makeIncidentWorld({ copyContent: false, fixtures: ['runbook-incident-probes.md'], systemsYaml: '' });
  const now = Date.now();
  briefEnd = new Date(now + BRIEF_MS);
  world.writeSystems(systemsYaml(now));
  server = await startBuiltServer(world.env, { docIds: DOC_IDS });
  api = new RunsApi(server);
  incidents = new IncidentsApi(server);
});

afterAll(async () => {
  try {
    if (api) await api.expectNoLeftovers();
    if (api) await expectNothingLeftOfRuns(api.runIds, 'the maintenance tests');
  } finally {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
    world?.cleanup();
  }
});

afterEach(async ({ task }) => {
  await api.expectNoLeftovers(task);
});

describe('maintenance windows', () => {
  // First, while `brief` is still in its window: nothing else may drop the cached badge before it ends.
  it('when a window ends, the cached badge, the metrics and a dashboard viewer change at that moment, with no run', async () => {
    const stop = new AbortController();
    const frames = followDashboardStream(stop.signal);
    const page: Page = await browser!.newPage();
    await signIn(page, server);
    await page.goto(`${server.url}/dashboard?target=brief`);
    const status = page.locator(`tr.check-row[data-key="${EXITS}@brief"] .check-status`);
    expect(await status.textContent(), `the dashboard loaded after brief's window ended (${briefEnd.toISOString()}): the server or the browser took too long`).toBe('maintenance');
    expect(await page.locator(`tr.check-row[data-key="${EXITS}@brief"] .maintenance-note`).textContent()).toBe(`until ${briefEnd.toISOString().slice(0, 16).replace('T', ' ')} UTC · short restart`);
    // Cached from here on: a badge is kept until a run or a change drops it, and none comes.
    expect(await badgeStatus(EXITS, 'brief')).toBe('maintenance');
    expect(await text('/metrics')).toContain(`runbook_live_check_maintenance{check="${EXITS}",target="brief"} 1`);
    expect(Date.now(), 'the badge was read after the window ended').toBeLessThan(briefEnd.getTime());

    // The viewer's row turns without a reload once the window is over.
    await status.filter({ hasText: 'never run' }).waitFor({ timeout: BRIEF_MS + 10_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(briefEnd.getTime());
    expect(await page.locator(`tr.check-row[data-key="${EXITS}@brief"] .maintenance-note`).textContent()).toBe('');
    expect(await badgeStatus(EXITS, 'brief')).toBe('never run');
    expect(await text('/metrics')).toContain(`runbook_live_check_maintenance{check="${EXITS}",target="brief"} 0`);
    stop.abort();
    const announced = (await frames).filter((frame) => frame.event === 'maintenance');
    expect(announced).toHaveLength(1);
    expect(announced[0]!.data.emittedAt as number).toBeGreaterThanOrEqual(briefEnd.getTime());
    await page.close();

    // And outside the window, the failure opens an incident like any other.
    const run = await api.waitFinished((await api.start(EXITS, { target: 'brief' })).id);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero' });
    expect(await incidents.forRun(run.id)).toMatchObject({ blockId: EXITS, target: 'brief', status: 'open' });
    expect(((await api.run(run.id)) as unknown as RunWithMaintenance).maintenance).toBeNull();
  });

  it('a failing check inside a window opens no incident and notifies no one; its row, badge and metrics say maintenance', async () => {
    const before = receiver.received.length;
    const run = await api.waitFinished((await api.start(EXITS, { target: 'patched' })).id);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero' });
    const marked = await finishedInWindow(run.id);
    expect(marked.maintenance).toMatchObject({ reason: 'engine upgrade', source: 'targets.patched.maintenance.0' });
    // The mark is written where the incident would have been opened: the bookkeeping is done.
    expect((await incidents.list()).filter((i) => i.target === 'patched')).toEqual([]);
    expect(receiver.received.slice(before)).toEqual([]);

    expect(await badgeStatus(EXITS, 'patched')).toBe('maintenance');
    expect(await text(`/badge/${EXITS}.svg?target=patched`)).toContain('fill="#0969da"');
    const row = (await incidents.row(EXITS, 'patched')) as Awaited<ReturnType<IncidentsApi['row']>> & { maintenance: RunWithMaintenance['maintenance'] };
    expect(row).toMatchObject({ status: 'maintenance', openIncidents: 0, maintenance: { reason: 'engine upgrade', source: 'targets.patched.maintenance.0' } });
    expect(row.reason).toBe(`in maintenance until ${row.maintenance!.until}: engine upgrade`);

    const metrics = await text('/metrics');
    expect(metrics).toContain(`runbook_live_check_maintenance{check="${EXITS}",target="patched"} 1`);
    expect(metrics).toContain(`runbook_live_check_status{check="${EXITS}",target="patched",status="maintenance"} 1`);
    // The verdict itself is not hidden: the check did fail.
    expect(metrics).toContain(`runbook_live_check_up{check="${EXITS}",target="patched"} 0`);
    expect(metrics).toContain(`runbook_live_check_maintenance{check="${EXITS}",target="local"} 0`);

    const runPage = await text(`/runs/${run.id}`);
    expect(runPage).toContain('ended in a maintenance window: engine upgrade');
    expect(runPage).toContain('<code>targets.patched.maintenance.0</code>');
  });

  it('outside every window the same failure opens an incident and notifies, and the badge says failing', async () => {
    const run = await api.waitFinished((await api.start(EXITS, { target: 'local' })).id);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero' });
    const incident = await incidents.forRun(run.id);
    expect(incident).toMatchObject({ blockId: EXITS, target: 'local', failureKind: 'exit_nonzero', status: 'open' });
    await pollUntil('the webhook to hear of the incident', () => receiver.received.some((r) => (r.body.incident as { id?: string } | undefined)?.id === incident.id));
    expect(receiver.received.find((r) => (r.body.incident as { id?: string }).id === incident.id)!.body.event).toBe('incident.opened');
    expect(await badgeStatus(EXITS, 'local')).toBe('failing');
    // Across targets the worst wins: a failure outranks maintenance.
    expect(await badgeStatus(EXITS)).toBe('failing');
    expect(((await api.run(run.id)) as unknown as RunWithMaintenance).maintenance).toBeNull();
  });

  it('a recurring window for a named check covers it on every target, from the cron schedule', async () => {
    const run = await api.waitFinished((await api.start(PROBE, { vars: { PROBE_IMAGE: 'no-such-probe-image:never' } })).id);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'image_not_found' });
    const marked = await finishedInWindow(run.id);
    expect(marked.maintenance).toMatchObject({ reason: 'probe rework', source: 'maintenance.0' });
    expect(Date.parse(marked.maintenance!.until) - Date.parse(marked.maintenance!.from)).toBe(2 * 86_400_000);
    expect((await incidents.list()).filter((i) => i.blockId === PROBE)).toEqual([]);
    for (const target of ['local', 'patched', 'brief']) expect(await badgeStatus(PROBE, target), target).toBe('maintenance');
    expect(await badgeStatus(PROBE)).toBe('maintenance');
    // A check id that names nothing covers nothing: the health page says so, and the real check is untouched.
    expect(await text('/health')).toContain("maintenance.0.checks: &#39;RUN-incident-probes/exits-tree&#39; is neither a block id nor a doc id in the docs");
    expect(await badgeStatus(EXITS, 'local')).toBe('failing');
  });
});
