import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureRunnerImage } from '../../support/runner-image.ts';
import { buildRunnerVariants, removeRunnerVariants, RUNNER_VARIANTS } from '../../support/runner-variants.ts';
import { freePort, type RunningServer } from '../../support/server.ts';
import { ROOT, RunsApi, unique } from '../runs/harness.ts';
import { expectNothingLeftOfRuns } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import {
  startBuiltServer,
  IncidentsApi,
  makeIncidentWorld,
  RUNNER_DIR,
  startSocketProxy,
  startWebhookReceiver,
  type IncidentDetailJson,
  type IncidentWorld,
  type SocketProxy,
  type WebhookReceiver,
} from './support.ts';

// Incidents end to end: the built server on a temp copy of the shipped content, a real SQLite
// file in a temp DATA_DIR and the real engine. A failed run opens an incident linked to the
// troubleshooting section that explains it; it survives restarts, is exported as a doc that
// passes docs:check, and is announced to a webhook. The tests share one server (restarted in
// the persistence test) and build on each other's incidents, so they run in order.

const CHECK = 'RUN-runner-image/contract-smoke';
const EXITS = 'RUN-incident-probes/exits-three';
const PROBE = 'RUN-incident-probes/probe-image';
const FAR_SOCKET = `/tmp/runbook-live-far-${unique()}.sock`;
const IGNORES_MEMORY = RUNNER_VARIANTS.find((v) => v.name === 'ignores-memory-path')!;
const ACTOR = 'oncall-test';
// A named operator token in the systems file: it survives the restarts below, and its name is the actor.
const ONCALL_TOKEN = `oncall-${randomBytes(16).toString('hex')}`;
const ONCALL = { authorization: `Bearer ${ONCALL_TOKEN}` };
const DOC_IDS = ['RUN-runner-image', 'RUN-incident-probes'];

let receiver: WebhookReceiver;
let world: IncidentWorld;
let port: number;
let server: RunningServer;
let api: RunsApi;
let incidents: IncidentsApi;
let proxy: SocketProxy | null = null;

/** Incidents the tests open, by what they test. */
const opened: { unreachable?: IncidentDetailJson; missingImage?: IncidentDetailJson; memory?: IncidentDetailJson; unclassified?: IncidentDetailJson } = {};

function systemsYaml(): string {
  return `targets:
  local:
    url: unix:///var/run/docker.sock
  far:
    url: unix://${FAR_SOCKET}
    description: a Docker host the test switches on and off
systems:
  skriptoteket-runner:
    dir: ${JSON.stringify(RUNNER_DIR)}
    variables:
      RUNNER_IMAGE:
        default: skriptoteket-runner:latest
        kind: image
        description: the runner image tag the app starts
    targets: [local, far]
  incident-probes:
    dir: ${JSON.stringify(RUNNER_DIR)}
    variables:
      PROBE_IMAGE:
        default: python:3.13-slim
        kind: image
    targets: [local]
auth:
  tokens:
    - { name: ${ACTOR}, role: operator, sha256: ${createHash('sha256').update(ONCALL_TOKEN).digest('hex')} }
runs:
  concurrency: 2
  timeout_seconds: 120
  log_limit_bytes: 1048576
notifications:
  webhook: ${receiver.url}/hook
  site_url: http://127.0.0.1:${port}
`;
}

async function restart(): Promise<void> {
  await server.stop('SIGTERM');
  expect(server.process.signalCode ?? server.process.exitCode, server.output()).not.toBeNull();
  server = await startBuiltServer(world.env, { port, docIds: DOC_IDS });
  expect(server.url).toBe(api.base);
}

/** Every incident with its timeline, as the API shows them. */
async function snapshot(): Promise<IncidentDetailJson[]> {
  return Promise.all((await incidents.list()).map((incident) => incidents.get(incident.id)));
}

/** The `<aside>` a runbook page shows under a troubleshooting section, or null. */
function sectionAside(html: string, anchor: string): string | null {
  const heading = html.indexOf(`id="${anchor}"`);
  if (heading < 0) return null;
  const after = html.slice(heading);
  const aside = /<aside\b([^>]*)>([\s\S]*?)<\/aside>/.exec(after);
  if (!aside) return null;
  // Right under its own heading: no other heading in between.
  const between = after.slice(after.indexOf('</h'), aside.index);
  if (/<h[1-6]\b/.test(between.slice(4))) return null;
  const attributes = aside[1]!;
  if (!/class="[^"]*\bsection-incidents\b/.test(attributes) || !attributes.includes(`data-section="${anchor}"`)) return null;
  return aside[0];
}

beforeAll(async () => {
  expect(existsSync(FAR_SOCKET), `${FAR_SOCKET} must not exist yet`).toBe(false);
  ensureRunnerImage();
  await buildRunnerVariants();
  receiver = await startWebhookReceiver();
  port = await freePort();
  world = makeIncidentWorld({ copyContent: true, fixtures: ['runbook-incident-probes.md'], systemsYaml: '' });
  world.writeSystems(systemsYaml());
  server = await startBuiltServer(world.env, { port, docIds: DOC_IDS });
  api = new RunsApi(server.url, ONCALL);
  incidents = new IncidentsApi(server.url, ONCALL);
});

afterAll(async () => {
  try {
    await proxy?.close();
    rmSync(FAR_SOCKET, { force: true });
    if (api) await api.expectNoLeftovers();
    if (api) await expectNothingLeftOfRuns(api.runIds, 'the tests of this file');
  } finally {
    await server?.stop();
    await receiver?.close();
    world?.cleanup();
    await removeRunnerVariants();
  }
});

afterEach(async ({ task }) => {
  // Nothing labelled with this test's runs stays on the engine.
  await api.expectNoLeftovers(task);
});

describe('incidents from failed checks', () => {
  it('docker unreachable: opens an incident linked to the Docker socket section, the row shows unreachable, and a pass once the host is back auto-resolves it', async () => {
    const first = await api.waitFinished((await api.start(CHECK, { target: 'far' })).id);
    expect(first, first.message ?? '').toMatchObject({ status: 'failed', failureKind: 'docker_unreachable', target: 'far' });
    expect(first.message).toContain(FAR_SOCKET);

    const incident = await incidents.forRun(first.id);
    expect(incident).toMatchObject({
      blockId: CHECK,
      docId: 'RUN-runner-image',
      target: 'far',
      failureKind: 'docker_unreachable',
      assertion: null,
      status: 'open',
      failures: 1,
      lastRunId: first.id,
      resolvedAt: null,
      section: { docId: 'RUN-runner-image', anchor: 'runner-containers-do-not-start', title: 'Runner containers do not start' },
    });
    expect(incident.id).toMatch(/^INC-\d+$/);
    expect(incident.timeline).toEqual([expect.objectContaining({ type: 'opened', runId: first.id, text: first.message })]);
    expect((await incidents.list('?open=1')).map((i) => i.id)).toEqual([incident.id]);
    opened.unreachable = incident;

    // One clear state for a host that is down, not a failure of the check.
    const row = await incidents.row(CHECK, 'far');
    expect(row).toMatchObject({ key: `${CHECK}@far`, status: 'unreachable', openIncidents: 1 });
    expect(row.reason).toBeTruthy();
    expect((await incidents.row(CHECK, 'local')).status).toBe('never run');

    // The host comes back: a proxy on the same socket path to the real engine.
    proxy = await startSocketProxy(FAR_SOCKET);
    const second = await api.waitFinished((await api.start(CHECK, { target: 'far' })).id, 60_000);
    expect(second, second.message ?? '').toMatchObject({ status: 'passed', failureKind: null, target: 'far' });
    expect(proxy.connections()).toBeGreaterThan(0);

    const resolved = await pollUntil('the unreachable incident to auto-resolve', async () => {
      const detail = await incidents.get(incident.id);
      return detail.status === 'resolved' ? detail : undefined;
    });
    expect(resolved).toMatchObject({ status: 'resolved', failures: 1, lastRunId: first.id, acknowledgedBy: null });
    expect(Date.parse(resolved.resolvedAt!)).toBeGreaterThanOrEqual(Date.parse(resolved.openedAt));
    expect(resolved.timeline.map((e) => e.type)).toEqual(['opened', 'auto-resolved']);
    expect(resolved.timeline.at(-1)).toMatchObject({ type: 'auto-resolved', runId: second.id, actor: null });
    expect(await incidents.list('?open=1')).toEqual([]);

    // A pass makes the server probe the host again: the row turns green.
    const green = await pollUntil('the far row to show passing', async () => {
      const current = await incidents.row(CHECK, 'far');
      return current.status === 'passing' ? current : undefined;
    });
    expect(green.openIncidents).toBe(0);

    await proxy.close();
    proxy = null;
    expect(existsSync(FAR_SOCKET)).toBe(false);
  });

  it('image not found: opens an image_not_found incident linked to the missing-image section', async () => {
    const run = await api.waitFinished((await api.start(CHECK, { vars: { RUNNER_IMAGE: 'no-such-runner:never' } })).id);
    expect(run, run.message ?? '').toMatchObject({ status: 'failed', failureKind: 'image_not_found', target: 'local' });
    expect(run.message).toContain('no-such-runner:never');

    const incident = await incidents.forRun(run.id);
    expect(incident).toMatchObject({
      blockId: CHECK,
      target: 'local',
      failureKind: 'image_not_found',
      assertion: null,
      status: 'open',
      failures: 1,
      section: { docId: 'RUN-runner-image', anchor: 'the-runner-image-is-missing', title: 'The runner image is missing' },
    });
    expect(incident.id).not.toBe(opened.unreachable!.id);
    opened.missingImage = incident;
    expect(await incidents.row(CHECK, 'local')).toMatchObject({ status: 'failing', openIncidents: 1 });
  });

  it('memory path ignored: a contract violation of “saved settings reach the tool”, joined by the second failure, shown under its section', async () => {
    const first = await api.waitFinished((await api.start(CHECK, { vars: { RUNNER_IMAGE: IGNORES_MEMORY.image } })).id, 60_000);
    expect(first, first.message ?? '').toMatchObject({ status: 'failed', failureKind: 'contract_violation' });
    expect(first.message).toBe('1 of 12 assertions failed: saved settings reach the tool');
    const incident = await incidents.forRun(first.id);
    expect(incident).toMatchObject({
      blockId: CHECK,
      target: 'local',
      failureKind: 'contract_violation',
      assertion: 'saved settings reach the tool',
      status: 'open',
      failures: 1,
      section: { docId: 'RUN-runner-image', anchor: 'settings-are-not-applied-in-the-runner', title: 'Settings are not applied in the runner' },
    });
    expect(incident.id).not.toBe(opened.missingImage!.id);

    const second = await api.waitFinished((await api.start(CHECK, { vars: { RUNNER_IMAGE: IGNORES_MEMORY.image } })).id, 60_000);
    expect(second.status).toBe('failed');
    const joined = await pollUntil('the second failure to join the incident', async () => {
      const detail = await incidents.get(incident.id);
      return detail.failures === 2 ? detail : undefined;
    });
    expect(joined).toMatchObject({ status: 'open', failures: 2, lastRunId: second.id, openedAt: incident.openedAt });
    expect(joined.timeline.map((e) => e.type)).toEqual(['opened', 'failed-again']);
    const again = joined.timeline[1]!;
    expect(again).toMatchObject({ type: 'failed-again', runId: second.id, text: second.message });
    expect(again.excerpt).toBeTruthy();
    expect(again.excerpt).toContain('FAILED  saved settings reach the tool');
    // The excerpt is the last lines of the failing run's log.
    const logs = (await api.run(second.id)).logs.map((line) => line.text);
    expect(logs.length).toBeGreaterThan(12);
    expect(again.excerpt).toBe(logs.slice(-12).join('\n'));
    // Still exactly one incident for this check, target and assertion; the missing image one stays apart.
    const forCheck = (await incidents.list(`?check=${encodeURIComponent(CHECK)}`)).filter((i) => i.target === 'local');
    expect(forCheck.filter((i) => i.failureKind === 'contract_violation').map((i) => i.id)).toEqual([incident.id]);
    expect(forCheck.find((i) => i.id === opened.missingImage!.id)).toMatchObject({ status: 'open', failures: 1 });
    opened.memory = joined;

    // The runbook page shows each incident under the section that explains it.
    const html = await incidents.html('/docs/RUN-runner-image');
    const memoryAside = sectionAside(html, 'settings-are-not-applied-in-the-runner');
    expect(memoryAside, 'aside.section-incidents under the settings section').not.toBeNull();
    expect(memoryAside).toContain(`data-incident-id="${incident.id}"`);
    expect(memoryAside).toContain(`href="/incidents/${incident.id}"`);
    expect(memoryAside).toContain('2 failures');
    expect(memoryAside).not.toContain(`data-incident-id="${opened.missingImage!.id}"`);
    expect(sectionAside(html, 'the-runner-image-is-missing')).toContain(`data-incident-id="${opened.missingImage!.id}"`);
    const socketAside = sectionAside(html, 'runner-containers-do-not-start');
    expect(socketAside).toContain(`data-incident-id="${opened.unreachable!.id}"`);
    expect(socketAside).toMatch(/class="section-incidents calm"/);
    // Sections with no incidents get no aside.
    expect(sectionAside(html, 'the-build-fails')).toBeNull();
  });

  it('persistence: incidents, statuses and timelines survive a restart; acknowledge, note and resolve work and survive another', async () => {
    const before = await snapshot();
    expect(before.map((i) => [i.id, i.status])).toEqual(
      expect.arrayContaining([
        [opened.unreachable!.id, 'resolved'],
        [opened.missingImage!.id, 'open'],
        [opened.memory!.id, 'open'],
      ]),
    );
    expect(before).toHaveLength(3);

    await restart();
    expect(await snapshot()).toEqual(before);

    const id = opened.memory!.id;
    const ack = await incidents.action(id, 'acknowledge');
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({ id, status: 'acknowledged', acknowledgedBy: ACTOR, failures: 2 });

    const note = await incidents.action(id, 'note', { text: 'The new runner build dropped the memory path; rolling back.' });
    expect(note.status, JSON.stringify(note.body)).toBe(200);
    expect(note.body.status).toBe('acknowledged');

    // A note needs text, and unknown incidents are 404.
    expect((await incidents.action(id, 'note', {})).status).toBe(400);
    expect((await incidents.action('INC-999999', 'acknowledge')).status).toBe(404);

    const resolve = await incidents.action(id, 'resolve', { text: 'Rolled back to the previous runner image.' });
    expect(resolve.status, JSON.stringify(resolve.body)).toBe(200);
    expect(resolve.body).toMatchObject({ id, status: 'resolved', acknowledgedBy: ACTOR, failures: 2 });
    expect(resolve.body.resolvedAt).toBeTruthy();
    expect(resolve.body.timeline.map((e) => [e.type, e.actor, e.text])).toEqual([
      ['opened', null, opened.memory!.timeline[0]!.text],
      ['failed-again', null, opened.memory!.timeline[1]!.text],
      ['acknowledged', ACTOR, null],
      ['note', ACTOR, 'The new runner build dropped the memory path; rolling back.'],
      ['resolved', ACTOR, 'Rolled back to the previous runner image.'],
    ]);
    expect(resolve.body.timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    // Each action records the role the actor held.
    expect(resolve.body.timeline.map((e) => e.actorRole ?? null)).toEqual([null, null, 'operator', 'operator', 'operator']);

    const afterActions = await snapshot();
    expect(afterActions.find((i) => i.id === id)).toEqual(expect.objectContaining({ status: 'resolved', timeline: resolve.body.timeline }));
    expect(afterActions.find((i) => i.id === opened.missingImage!.id)).toEqual(before.find((i) => i.id === opened.missingImage!.id));

    await restart();
    expect(await snapshot()).toEqual(afterActions);
    opened.memory = await incidents.get(id);
  });

  it('unclassified: a failure no section covers opens an incident with no section, listed on the health page', async () => {
    const run = await api.waitFinished((await api.start(EXITS)).id);
    expect(run, run.message ?? '').toMatchObject({ status: 'failed', failureKind: 'exit_nonzero', exitCode: 3 });

    const incident = await incidents.forRun(run.id);
    expect(incident).toMatchObject({ blockId: EXITS, docId: 'RUN-incident-probes', target: 'local', failureKind: 'exit_nonzero', assertion: null, section: null, status: 'open' });
    opened.unclassified = incident;

    const html = await incidents.html('/health');
    expect(html).toContain('Unclassified failures');
    const list = /<ul\b[^>]*id="unclassified-failures"[^>]*>([\s\S]*?)<\/ul>/.exec(html);
    expect(list, 'ul#unclassified-failures on /health').not.toBeNull();
    expect(list![1]).toContain(`href="/incidents/${incident.id}"`);
    expect(list![1]).toContain(`<code>${EXITS}</code>`);
    expect(list![1]).toContain('exit_nonzero');
    // Only the unclassified one: the others all have a section.
    expect(list![1].match(/href="\/incidents\//g)).toHaveLength(1);
    expect(/id="unclassified-count"[^>]*>(\d+)</.exec(html)?.[1]).toBe('1');

    expect(await incidents.html(`/incidents/${incident.id}`)).toContain('id="unclassified"');
  });

  it('export: the incident as a markdown doc with frontmatter passes docs:check on the shipped contract, its section link resolving', async () => {
    const incident = opened.memory!;
    const response = await fetch(`${server.url}/api/incidents/${incident.id}/export.md`, { headers: ONCALL });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    const fileName = /attachment; filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
    expect(fileName).toMatch(new RegExp(`^inc-${incident.id.slice(4)}-[a-z0-9-]+\\.md$`));
    expect(fileName).toBe(`inc-${incident.id.slice(4)}-contract-smoke-saved-settings-reach-the-tool.md`);
    const markdown = await response.text();

    const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
    expect(match, 'frontmatter').not.toBeNull();
    const frontmatter = parse(match![1]!) as Record<string, unknown>;
    expect(frontmatter).toMatchObject({
      type: 'incident',
      id: incident.id,
      status: 'resolved',
      owners: ACTOR,
      check: CHECK,
      target: 'local',
      failure_kind: 'contract_violation',
      assertion: 'saved settings reach the tool',
      section: 'RUN-runner-image#settings-are-not-applied-in-the-runner',
      links: ['RUN-runner-image'],
    });
    expect(frontmatter.created).toBe(incident.openedAt.slice(0, 10));
    const body = markdown.slice(match![0].length);
    expect(body).toContain('(../runbooks/runbook-runner-image.md#settings-are-not-applied-in-the-runner)');
    for (const type of ['opened', 'failed-again', 'acknowledged', 'note', 'resolved']) expect(body).toContain(`**${type}**`);
    expect(body).toContain('FAILED  saved settings reach the tool');

    world.docs.write(`incidents/${fileName}`, markdown);
    const plain = spawnSync(process.execPath, ['src/cli/runbook-live.ts', 'docs-check', world.docs.dir], { cwd: ROOT, encoding: 'utf8' });
    expect(plain.status, `${plain.stdout}\n${plain.stderr}`).toBe(0);
    expect(plain.stderr).toMatch(/: 0 errors, 0 warnings\n$/);
    const json = spawnSync(process.execPath, ['src/cli/runbook-live.ts', 'docs-check', world.docs.dir, '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(json.status, `${json.stdout}\n${json.stderr}`).toBe(0);
    const report = JSON.parse(json.stdout) as { contract: { source: string }; violations: unknown[]; brokenLinks: unknown[] };
    expect(report).toMatchObject({ violations: [], brokenLinks: [] });
    expect(report.contract.source).toMatch(/_meta\/docs-contract\.yaml$/);

    // The server reads the same folder: the exported doc is a page, linked to the section that exists.
    const served = await fetch(`${server.url}/api/docs/${incident.id}`);
    expect(served.status).toBe(200);
    const detail = (await served.json()) as { type: string; links: Array<{ id: string; anchor: string | null }>; violations: unknown[] };
    expect(detail).toMatchObject({ type: 'incident', violations: [] });
    expect(detail.links.map((link) => link.id)).toContain('RUN-runner-image');
    // On its page, the explanation links to the section's anchor, which exists on the runbook page.
    const page = await incidents.html(`/docs/${incident.id}`);
    expect(page).toMatch(/<a[^>]*href="\/docs\/RUN-runner-image#settings-are-not-applied-in-the-runner"[^>]*>Settings are not applied in the runner<\/a>/);
    expect(page).not.toContain('broken-link');
    expect(await incidents.html('/docs/RUN-runner-image')).toContain('id="settings-are-not-applied-in-the-runner"');
  });

  it('webhook: a failure then a pass posts incident.opened then incident.resolved with the incident and its page URL', async () => {
    const failed = await api.waitFinished((await api.start(PROBE, { vars: { PROBE_IMAGE: 'no-such-probe:never' } })).id);
    expect(failed, failed.message ?? '').toMatchObject({ status: 'failed', failureKind: 'image_not_found' });
    const incident = await incidents.forRun(failed.id);
    expect(incident).toMatchObject({ blockId: PROBE, target: 'local', failureKind: 'image_not_found', status: 'open' });

    const passed = await api.waitFinished((await api.start(PROBE)).id);
    expect(passed, passed.message ?? '').toMatchObject({ status: 'passed' });

    const mine = await pollUntil('incident.opened and incident.resolved for the probe incident', async () => {
      const posted = receiver.received.filter((r) => (r.body.incident as { id?: string } | undefined)?.id === incident.id);
      return posted.length >= 2 ? posted : undefined;
    });
    expect(mine.map((r) => r.body.event)).toEqual(['incident.opened', 'incident.resolved']);
    for (const { path, body } of mine) {
      expect(path).toBe('/hook');
      expect(body.url).toBe(`${server.url}/incidents/${incident.id}`);
      expect(String(body.url).endsWith(`/incidents/${incident.id}`)).toBe(true);
      expect(Date.parse(String(body.at))).not.toBeNaN();
    }
    expect(mine[0]!.body.incident).toMatchObject({ id: incident.id, status: 'open', blockId: PROBE, failureKind: 'image_not_found' });
    expect(mine[1]!.body.incident).toMatchObject({ id: incident.id, status: 'resolved' });

    // Every incident so far was announced when it opened.
    const announced = new Set(receiver.received.filter((r) => r.body.event === 'incident.opened').map((r) => (r.body.incident as { id: string }).id));
    for (const known of Object.values(opened)) expect(announced).toContain(known!.id);
  });
});
