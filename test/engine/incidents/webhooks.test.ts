import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from '../../../src/lib/incidents/index.ts';
import { launchBrowser } from '../../support/browser.ts';
import { expectNothingLeftOfRuns } from '../../support/docker-leftovers.ts';
import { pollUntil } from '../../support/poll.ts';
import { freePort, type RunningServer } from '../../support/server.ts';
import { startScriptedReceiver, type ScriptedReceiver } from '../../support/webhook-receiver.ts';
import { RunsApi } from '../runs/harness.ts';
import { IncidentsApi, makeIncidentWorld, RUNNER_DIR, startBuiltServer, type IncidentDetailJson, type IncidentWorld } from './support.ts';

// Signed, retried webhooks on the built server, with a real receiver on 127.0.0.1 that answers
// 500 twice and then 200. A failing check opens an incident; its notification's first attempt
// fails, the server is stopped, and a new server on the same data folder finishes the job:
// exactly one accepted delivery, the same delivery id and a valid signature on all three
// attempts, and the incident's page and API say delivered after 3 attempts. Then a server
// without the secret holds a notification rather than send it unsigned, and the next one with
// it sends it; and an automatic resolution follows its opening. The tests run in order.

const PROBE = 'RUN-incident-probes/probe-image';
const SECRET_ENV = 'RUNBOOK_LIVE_TEST_WEBHOOK_SECRET';
const SECRET = `whsec-${'0123456789abcdef'.repeat(2)}`;
// Longer than a server takes to stop, so the second attempt can only come from the second server.
const BACKOFF_SECONDS = 3;

type DeliveryJson = { id: string; event: string; status: string; attempts: number; lastStatus: number | null; lastError: string | null; deliveredAt: string | null };
type IncidentWithNotifications = IncidentDetailJson & { notifications: DeliveryJson[] };

let receiver: ScriptedReceiver;
let world: IncidentWorld;
let env: Record<string, string>;
let port: number;
let server: RunningServer;
let browser: Browser | null = null;
const runIds: string[] = [];
/** The incident the first test opens; the second resolves it. */
let incidentId = '';

beforeAll(async () => {
  receiver = await startScriptedReceiver([500, { status: 500, text: 'still down' }], 204);
  port = await freePort();
  world = makeIncidentWorld({
    copyContent: false,
    fixtures: ['runbook-incident-probes.md'],
    systemsYaml: `targets:
  local:
    url: unix:///var/run/docker.sock
systems:
  incident-probes:
    dir: ${JSON.stringify(RUNNER_DIR)}
    variables:
      PROBE_IMAGE:
        default: python:3.13-slim
        kind: image
    targets: [local]
notifications:
  webhook:
    url: ${receiver.url}/hook
    secret_env: ${SECRET_ENV}
    max_attempts: 5
    backoff_seconds: ${BACKOFF_SECONDS}
    max_backoff_seconds: ${BACKOFF_SECONDS}
    timeout_seconds: 5
  site_url: http://127.0.0.1:${port}
`,
  });
  env = { ...world.env, [SECRET_ENV]: SECRET };
  server = await startBuiltServer(env, { port, docIds: ['RUN-incident-probes'] });
});

afterAll(async () => {
  try {
    await browser?.close();
    if (runIds.length) await expectNothingLeftOfRuns(runIds, 'the webhook tests');
  } finally {
    await server?.stop();
    await receiver?.close();
    world?.cleanup();
  }
});

async function incidentJson(id: string): Promise<IncidentWithNotifications> {
  return (await new IncidentsApi(server).get(id)) as IncidentWithNotifications;
}

describe('signed, retried webhooks', () => {
  it('a receiver that fails twice then succeeds gets exactly one accepted delivery, signed on every attempt, across a server restart', async () => {
    const api = new RunsApi(server);
    const failed = await api.waitFinished((await api.start(PROBE, { vars: { PROBE_IMAGE: 'no-such-probe:never' } })).id);
    runIds.push(failed.id);
    expect(failed, failed.message ?? '').toMatchObject({ status: 'failed', failureKind: 'image_not_found' });
    const incident = await new IncidentsApi(server).forRun(failed.id);
    incidentId = incident.id;

    // The first attempt is answered 500 and recorded as such; only then is the server stopped.
    const first = await pollUntil('the first attempt to be recorded', async () => {
      const [delivery] = (await incidentJson(incident.id)).notifications;
      return delivery?.attempts === 1 && delivery.lastStatus === 500 ? delivery : undefined;
    });
    expect(first).toMatchObject({ event: 'incident.opened', status: 'pending', lastError: 'answered 500: status 500' });
    await server.stop('SIGTERM');
    expect(receiver.received).toHaveLength(1);

    const restartedAt = Date.now();
    server = await startBuiltServer(env, { port, docIds: ['RUN-incident-probes'] });
    const delivered = await pollUntil(
      () => `the delivery to be delivered; the receiver got ${receiver.received.length} requests`,
      async () => (await incidentJson(incident.id)).notifications.find((delivery) => delivery.status === 'delivered'),
      { timeoutMs: 30_000, everyMs: 200 },
    );
    expect(delivered).toMatchObject({ id: first.id, event: 'incident.opened', attempts: 3, lastStatus: 204, lastError: null });
    expect((await incidentJson(incident.id)).notifications).toHaveLength(1);

    // Exactly three requests, one accepted: the second and third from the second server.
    expect(receiver.received.map((hook) => hook.answered)).toEqual([500, 500, 204]);
    expect(receiver.received[1]!.at).toBeGreaterThanOrEqual(restartedAt);
    expect(receiver.received[2]!.at - receiver.received[1]!.at).toBeGreaterThanOrEqual(BACKOFF_SECONDS * 1000 - 50);
    for (const hook of receiver.received) {
      expect(hook.path).toBe('/hook');
      expect(hook.headers[WEBHOOK_HEADERS.delivery]).toBe(first.id);
      expect(hook.headers[WEBHOOK_HEADERS.event]).toBe('incident.opened');
      const verdict = verifyWebhookSignature({ secret: SECRET, body: hook.body, timestamp: hook.headers[WEBHOOK_HEADERS.timestamp] as string, signature: hook.headers[WEBHOOK_HEADERS.signature] as string });
      expect(verdict).toEqual({ valid: true });
      const body = JSON.parse(hook.body) as { event: string; incident: { id: string; status: string; blockId: string }; url: string };
      expect(body).toMatchObject({ event: 'incident.opened', incident: { id: incident.id, status: 'open', blockId: PROBE }, url: `http://127.0.0.1:${port}/incidents/${incident.id}` });
    }
    // A signature made with another secret does not pass: the check above is not vacuous.
    const forged = receiver.received[0]!;
    expect(verifyWebhookSignature({ secret: `${SECRET}-other`, body: forged.body, timestamp: forged.headers[WEBHOOK_HEADERS.timestamp] as string, signature: forged.headers[WEBHOOK_HEADERS.signature] as string }).valid).toBe(false);

    // The incident's page, in a real browser, lists the delivery.
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(`${server.url}/incidents/${incident.id}`);
    const row = page.locator(`#notifications tr[data-delivery-id="${first.id}"]`);
    expect(await row.getAttribute('data-status')).toBe('delivered');
    expect(await row.getAttribute('data-attempts')).toBe('3');
    expect((await row.locator('td').allInnerTexts()).slice(0, 4)).toEqual(['incident.opened', 'delivered', '3', '204']);
    expect(await row.locator('td').nth(4).innerText()).toMatch(/^delivered \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await page.close();

    // The health page counts it.
    const health = await new IncidentsApi(server).html('/health');
    expect(health).toMatch(/Webhook deliveries: <strong>0<\/strong> pending · <strong>1<\/strong> delivered · <strong[^>]*>0<\/strong> given up/);
  });
  it('without its secret, a server holds notifications (recorded, not sent unsigned) and says why; with it again, they go out signed', async () => {
    expect(incidentId).not.toBe('');
    const { [SECRET_ENV]: _secret, ...withoutSecret } = env;
    await server.stop('SIGTERM');
    server = await startBuiltServer(withoutSecret, { port, docIds: ['RUN-incident-probes'] });
    const held = `notifications.webhook.secret_env: the environment variable ${SECRET_ENV} is not set; webhook deliveries are held (recorded, not sent) until it is fixed and the server restarts`;
    expect(server.output()).toContain(held);
    expect(await new IncidentsApi(server).html('/health')).toMatch(/<div class="doc-problems" id="webhook-held"><h2>Notifications are held<\/h2><pre>[^<]*notifications\.webhook\.secret_env: the environment variable RUNBOOK_LIVE_TEST_WEBHOOK_SECRET is not set/);

    const resolved = await new IncidentsApi(server).action(incidentId, 'resolve', { text: 'fixed by hand' });
    expect(resolved.status).toBe(200);
    const recorded = (await incidentJson(incidentId)).notifications;
    expect(recorded.map((delivery) => [delivery.event, delivery.status, delivery.attempts])).toEqual([['incident.opened', 'delivered', 3], ['incident.resolved', 'pending', 0]]);
    const page = await new IncidentsApi(server).html(`/incidents/${incidentId}`);
    expect(page).toContain(`id="notifications-held"`);
    expect(page).toMatch(/data-status="pending" data-attempts="0"/);
    expect(receiver.received).toHaveLength(3);

    await server.stop('SIGTERM');
    server = await startBuiltServer(env, { port, docIds: ['RUN-incident-probes'] });
    const sent = await pollUntil('the held resolution to be delivered', async () => (await incidentJson(incidentId)).notifications.find((d) => d.event === 'incident.resolved' && d.status === 'delivered'));
    expect(sent).toMatchObject({ attempts: 1, lastStatus: 204 });
    expect(receiver.received).toHaveLength(4);
    const hook = receiver.received[3]!;
    expect(hook.headers[WEBHOOK_HEADERS.delivery]).toBe(recorded[1]!.id);
    expect(hook.headers[WEBHOOK_HEADERS.event]).toBe('incident.resolved');
    expect(verifyWebhookSignature({ secret: SECRET, body: hook.body, timestamp: hook.headers[WEBHOOK_HEADERS.timestamp] as string, signature: hook.headers[WEBHOOK_HEADERS.signature] as string })).toEqual({ valid: true });
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'incident.resolved', incident: { id: incidentId, status: 'resolved' } });
  });
  it('a failure then a pass: incident.opened then incident.resolved (the automatic resolution), each delivered once', async () => {
    const api = new RunsApi(server);
    const failed = await api.waitFinished((await api.start(PROBE, { vars: { PROBE_IMAGE: 'no-such-probe:never' } })).id);
    runIds.push(failed.id);
    const incident = await new IncidentsApi(server).forRun(failed.id);
    expect(incident.id).not.toBe(incidentId);
    const passed = await api.waitFinished((await api.start(PROBE)).id);
    runIds.push(passed.id);
    expect(passed, passed.message ?? '').toMatchObject({ status: 'passed' });
    const deliveries = await pollUntil('both notifications to be delivered', async () => {
      const { notifications } = await incidentJson(incident.id);
      return notifications.length === 2 && notifications.every((d) => d.status === 'delivered') ? notifications : undefined;
    });
    expect(deliveries.map((d) => [d.event, d.attempts])).toEqual([['incident.opened', 1], ['incident.resolved', 1]]);
    const mine = receiver.received.filter((hook) => deliveries.some((d) => d.id === hook.headers[WEBHOOK_HEADERS.delivery]));
    expect(mine.map((hook) => hook.headers[WEBHOOK_HEADERS.event])).toEqual(['incident.opened', 'incident.resolved']);
    expect(JSON.parse(mine[1]!.body)).toMatchObject({ event: 'incident.resolved', incident: { id: incident.id, status: 'resolved' } });
  });
});
