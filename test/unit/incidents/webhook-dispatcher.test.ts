import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteRunStore } from '../../../src/lib/runs/index.ts';
import {
  OutboxNotifier,
  SqliteIncidentStore,
  SqliteWebhookOutbox,
  verifyWebhookSignature,
  WEBHOOK_HEADERS,
  WebhookDispatcher,
  type Incident,
  type WebhookDelivery,
  type WebhookSettings,
} from '../../../src/lib/incidents/index.ts';
import { pollUntil } from '../../support/poll.ts';
import { startScriptedReceiver, type HookAnswer, type ReceivedHook, type ScriptedReceiver } from '../../support/webhook-receiver.ts';

// The outbox and its dispatcher on a real SQLite file, delivering to a real HTTP receiver on
// 127.0.0.1 whose answers each test scripts. Backoffs are tens of milliseconds; every wait
// polls the outbox or the receiver.

const SECRET = 'dispatcher-test-secret-0123456789';
let dir = '';
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function database(): { file: string; open(): SqliteRunStore } {
  dir ||= mkdtempSync(path.join(tmpdir(), 'runbook-live-webhooks-'));
  const file = path.join(dir, 'runbook-live.sqlite');
  return {
    file,
    open() {
      const store = new SqliteRunStore(file);
      cleanups.push(() => store.close());
      return store;
    },
  };
}

async function receiver(script: HookAnswer[], then?: HookAnswer): Promise<ScriptedReceiver> {
  const started = await startScriptedReceiver(script, then);
  cleanups.push(() => started.close());
  return started;
}

function settings(url: string, over: Partial<WebhookSettings> = {}): WebhookSettings {
  return { url: `${url}/hook`, format: 'json', secret: SECRET, maxAttempts: 5, backoffSeconds: 0.05, maxBackoffSeconds: 1, timeoutSeconds: 2, ...over };
}

function dispatcher(store: SqliteRunStore, config: WebhookSettings | null, extra: { held?: string; warnings?: string[] } = {}): { outbox: SqliteWebhookOutbox; dispatcher: WebhookDispatcher } {
  const outbox = new SqliteWebhookOutbox(store.database);
  const made = new WebhookDispatcher({ outbox, settings: config, held: extra.held ?? null, warn: (message) => extra.warnings?.push(message), idlePollMs: 50 });
  cleanups.push(() => made.stop());
  return { outbox, dispatcher: made };
}

let counter = 0;
function enqueue(outbox: SqliteWebhookOutbox, incidentId = 'INC-1', event: WebhookDelivery['event'] = 'incident.opened'): string {
  const id = `delivery-${(counter += 1)}`;
  outbox.enqueue({ id, incidentId, event, payload: JSON.stringify({ event, incident: { id: incidentId } }), createdAt: new Date().toISOString() });
  return id;
}

function only(outbox: SqliteWebhookOutbox, incidentId = 'INC-1'): WebhookDelivery {
  const [delivery, ...rest] = outbox.forIncident(incidentId);
  expect(rest).toEqual([]);
  return delivery!;
}

function untilStatus(outbox: SqliteWebhookOutbox, status: WebhookDelivery['status'], incidentId = 'INC-1'): Promise<WebhookDelivery> {
  return pollUntil(
    () => `INC-1's delivery to be ${status}; it is ${JSON.stringify(outbox.forIncident(incidentId))}`,
    () => outbox.forIncident(incidentId).find((delivery) => delivery.status === status),
    { timeoutMs: 10_000, everyMs: 10 },
  );
}

function verified(hook: ReceivedHook): boolean {
  return verifyWebhookSignature({ secret: SECRET, body: hook.body, timestamp: hook.headers[WEBHOOK_HEADERS.timestamp] as string, signature: hook.headers[WEBHOOK_HEADERS.signature] as string }).valid;
}

describe('WebhookDispatcher', () => {
  it('a receiver that fails twice then succeeds gets one accepted delivery: same id and a valid signature on all three attempts, backing off between them', async () => {
    const hooks = await receiver([500, { status: 502, text: 'upstream\n  down' }]);
    const warnings: string[] = [];
    const { outbox, dispatcher: sender } = dispatcher(database().open(), settings(hooks.url), { warnings });
    const id = enqueue(outbox);
    sender.start();
    const delivered = await untilStatus(outbox, 'delivered');
    expect(delivered).toMatchObject({ id, attempts: 3, lastStatus: 200, lastError: null, nextAttemptAt: null });
    expect(hooks.received.map((hook) => hook.answered)).toEqual([500, 502, 200]);
    expect(hooks.received.map((hook) => hook.headers[WEBHOOK_HEADERS.delivery])).toEqual([id, id, id]);
    expect(hooks.received.map((hook) => hook.headers[WEBHOOK_HEADERS.event])).toEqual(['incident.opened', 'incident.opened', 'incident.opened']);
    expect(hooks.received.map((hook) => hook.path)).toEqual(['/hook', '/hook', '/hook']);
    expect(hooks.received.every(verified)).toBe(true);
    expect(new Set(hooks.received.map((hook) => hook.body)).size).toBe(1);
    // 50 ms, then 100 ms: each wait at least the backoff (a little slack for timer rounding).
    expect(hooks.received[1]!.at - hooks.received[0]!.at).toBeGreaterThanOrEqual(45);
    expect(hooks.received[2]!.at - hooks.received[1]!.at).toBeGreaterThanOrEqual(95);
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^webhook ${hooks.url}/hook: incident.opened for INC-1 \\(delivery ${id}\\), attempt 1 of 5: answered 500: status 500; next attempt at \\d{4}-`)),
      expect.stringMatching(/attempt 2 of 5: answered 502: upstream down; next attempt at /),
    ]);
  });

  it('gives up after max_attempts, keeping the last answer, and sends it no more', async () => {
    const hooks = await receiver([], { status: 503, text: 'busy' });
    const warnings: string[] = [];
    const { outbox, dispatcher: sender } = dispatcher(database().open(), settings(hooks.url, { maxAttempts: 3 }), { warnings });
    enqueue(outbox);
    sender.start();
    const failed = await untilStatus(outbox, 'failed');
    expect(failed).toMatchObject({ attempts: 3, lastStatus: 503, lastError: 'answered 503: busy', nextAttemptAt: null, deliveredAt: null });
    expect(warnings.at(-1)).toMatch(/attempt 3 of 3: answered 503: busy; giving up$/);
    expect(outbox.nextDueAt()).toBeNull();
    expect(outbox.due(new Date(Date.now() + 86_400_000).toISOString())).toEqual([]);
    expect(hooks.received).toHaveLength(3);
  });

  it('resumes on the same database after a restart: what was pending is delivered, nothing twice', async () => {
    const db = database();
    const hooks = await receiver([500, 500]);
    const first = dispatcher(db.open(), settings(hooks.url, { backoffSeconds: 1 }));
    const id = enqueue(first.outbox);
    first.dispatcher.start();
    await pollUntil('the first attempt to be recorded', () => only(first.outbox).attempts === 1 && only(first.outbox).lastStatus === 500, { everyMs: 10 });
    await first.dispatcher.stop();
    expect(hooks.received).toHaveLength(1);

    const second = dispatcher(db.open(), settings(hooks.url, { backoffSeconds: 0.05 }));
    second.dispatcher.start();
    expect(await untilStatus(second.outbox, 'delivered')).toMatchObject({ id, attempts: 3 });
    expect(hooks.received.map((hook) => [hook.headers[WEBHOOK_HEADERS.delivery], hook.answered])).toEqual([[id, 500], [id, 500], [id, 200]]);
    expect(hooks.received.every(verified)).toBe(true);
  });

  it('an attempt whose process died mid-request is sent again once its lease runs out, with the same id', async () => {
    const db = database();
    const hooks = await receiver([]);
    const { outbox, dispatcher: sender } = dispatcher(db.open(), settings(hooks.url, { timeoutSeconds: 0.2 }));
    const id = enqueue(outbox);
    // What a process killed mid-request leaves behind: the attempt counted, due again at its lease.
    const claimedAt = Date.now();
    expect(outbox.claim(id, 0, new Date(claimedAt + 300).toISOString(), new Date(claimedAt).toISOString())).toBe(true);
    sender.start();
    const delivered = await untilStatus(outbox, 'delivered');
    expect(delivered).toMatchObject({ id, attempts: 2 });
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0]!.at).toBeGreaterThanOrEqual(claimedAt + 300);
  });

  it('two processes on one database send each delivery once', async () => {
    const db = database();
    const hooks = await receiver([]);
    const a = dispatcher(db.open(), settings(hooks.url));
    const b = dispatcher(db.open(), settings(hooks.url));
    const ids = ['INC-1', 'INC-2', 'INC-3', 'INC-4', 'INC-5', 'INC-6'].map((incident) => enqueue(a.outbox, incident));
    a.dispatcher.start();
    b.dispatcher.start();
    await pollUntil('every delivery to be delivered', () => a.outbox.counts().delivered === ids.length, { everyMs: 10 });
    expect(hooks.received.map((hook) => hook.headers[WEBHOOK_HEADERS.delivery]).sort()).toEqual([...ids].sort());
  });

  it("delivers one incident's notifications in order, without holding up other incidents", async () => {
    const hooks = await receiver([500]);
    const { outbox, dispatcher: sender } = dispatcher(database().open(), settings(hooks.url, { backoffSeconds: 1 }));
    const opened = enqueue(outbox, 'INC-1', 'incident.opened');
    const resolved = enqueue(outbox, 'INC-1', 'incident.resolved');
    sender.start();
    await pollUntil('the first attempt to fail', () => outbox.forIncident('INC-1')[0]!.lastStatus === 500, { everyMs: 10 });
    // The resolution waits behind the opening it follows.
    expect(hooks.received).toHaveLength(1);
    const other = enqueue(outbox, 'INC-2', 'incident.opened');
    sender.wake();
    await pollUntil('everything to be delivered', () => outbox.counts().delivered === 3, { everyMs: 10 });
    expect(hooks.received.map((hook) => [hook.headers[WEBHOOK_HEADERS.delivery], hook.answered])).toEqual([[opened, 500], [other, 200], [opened, 200], [resolved, 200]]);
  });

  it('names a receiver that cannot be reached, that is too slow, or that redirects (not followed)', async () => {
    const slow = await receiver(['hang']);
    const moved = await receiver([{ status: 302, headers: { location: `${slow.url}/elsewhere` } }]);
    const db = database().open();
    const timing = dispatcher(db, settings(slow.url, { timeoutSeconds: 0.2, maxAttempts: 1 }));
    enqueue(timing.outbox, 'INC-1');
    timing.dispatcher.start();
    expect(await untilStatus(timing.outbox, 'failed', 'INC-1')).toMatchObject({ lastStatus: null, lastError: 'no answer within 0.2 s' });
    await timing.dispatcher.stop();

    const redirecting = dispatcher(db, settings(moved.url, { maxAttempts: 1 }));
    enqueue(redirecting.outbox, 'INC-2');
    redirecting.dispatcher.start();
    expect(await untilStatus(redirecting.outbox, 'failed', 'INC-2')).toMatchObject({ lastStatus: 302, lastError: 'answered 302 (redirects are not followed): status 302' });
    await redirecting.dispatcher.stop();
    expect(slow.received.map((hook) => hook.path)).toEqual(['/hook']);

    await moved.close();
    const gone = dispatcher(db, settings(moved.url, { maxAttempts: 1 }));
    enqueue(gone.outbox, 'INC-3');
    gone.dispatcher.start();
    expect(await untilStatus(gone.outbox, 'failed', 'INC-3')).toMatchObject({ lastStatus: null, lastError: 'could not be reached: ECONNREFUSED' });
  });

  it('stop() cuts an attempt short and leaves it pending for the next process', async () => {
    const hooks = await receiver(['hang']);
    const { outbox, dispatcher: sender } = dispatcher(database().open(), settings(hooks.url, { timeoutSeconds: 30 }));
    enqueue(outbox);
    sender.start();
    await pollUntil('the request to arrive', () => hooks.received.length === 1, { everyMs: 10 });
    const stopping = Date.now();
    await sender.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    expect(only(outbox)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'the server stopped during the attempt' });
  });

  it('flush() (a CLI before it exits) tries each due delivery once and leaves failures pending', async () => {
    const hooks = await receiver([], 500);
    const { outbox, dispatcher: sender } = dispatcher(database().open(), settings(hooks.url, { backoffSeconds: 0.01 }));
    enqueue(outbox, 'INC-1');
    enqueue(outbox, 'INC-2');
    await sender.flush();
    expect(hooks.received).toHaveLength(2);
    expect(outbox.counts()).toEqual({ pending: 2, delivered: 0, failed: 0 });
  });

  it('held (the secret cannot be read): records, never sends', async () => {
    const hooks = await receiver([]);
    const { outbox, dispatcher: sender } = dispatcher(database().open(), settings(hooks.url, { secret: null }), { held: 'the secret is not set' });
    enqueue(outbox);
    sender.start();
    await sender.flush();
    expect(sender.held).toBe('the secret is not set');
    expect(only(outbox)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(hooks.received).toEqual([]);
  });

  it('records the notification in the incident change\'s own transaction: a failing one keeps neither', () => {
    const store = database().open();
    const incidents = new SqliteIncidentStore(store.database);
    const outbox = new SqliteWebhookOutbox(store.database);
    const notifier = new OutboxNotifier(outbox, 'json', () => {});
    const record: Omit<Incident, 'id'> = {
      blockId: 'RUN-demo/probe', docId: 'RUN-demo', target: 'local', failureKind: 'exit_nonzero', assertion: null, status: 'open', section: null,
      openedAt: '2026-11-26T10:00:00.000Z', updatedAt: '2026-11-26T10:00:00.000Z', resolvedAt: null, acknowledgedBy: null, failures: 1, lastRunId: 'run-1', message: null,
    };
    const event = { at: '2026-11-26T10:00:00.000Z', type: 'opened' as const, runId: 'run-1', actor: null, text: null, excerpt: null };
    const opened = incidents.open(record, event, (incident) => notifier.notify({ event: 'incident.opened', incident, url: null, at: event.at }));
    expect(outbox.forIncident(opened.id)).toMatchObject([{ event: 'incident.opened', status: 'pending', attempts: 0 }]);
    expect(() =>
      incidents.open(record, event, (incident) => {
        notifier.notify({ event: 'incident.opened', incident, url: null, at: event.at });
        throw new Error('the notification could not be recorded');
      }),
    ).toThrow('the notification could not be recorded');
    expect(incidents.list().map((incident) => incident.id)).toEqual([opened.id]);
    expect(outbox.counts()).toEqual({ pending: 1, delivered: 0, failed: 0 });
  });
});
