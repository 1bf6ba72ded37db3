import { randomUUID } from 'node:crypto';
import type { Incident } from './incident-record.ts';
import type { SqliteWebhookOutbox } from './sqlite-webhook-outbox.ts';
import { webhookBody, type WebhookFormat } from './webhook-payload.ts';

/** What a webhook receives (the `json` format's body). */
export interface IncidentNotification {
  event: 'incident.opened' | 'incident.resolved';
  incident: Incident;
  /** Where a person reads it. */
  url: string | null;
  at: string;
}

/** Tells the outside world about incidents. */
export interface IncidentNotifier {
  /**
   * Records a notification to be sent. Called inside the transaction that changes the incident,
   * so it must only write to the same database and never wait: the sending happens later.
   */
  notify(notification: IncidentNotification): void;
}

/**
 * Records each notification in the webhook outbox, its body written once in the configured
 * format, and wakes whoever delivers it (the `WebhookDispatcher`).
 */
export class OutboxNotifier implements IncidentNotifier {
  private readonly outbox: SqliteWebhookOutbox;
  private readonly format: WebhookFormat;
  private readonly wake: () => void;

  constructor(outbox: SqliteWebhookOutbox, format: WebhookFormat, wake: () => void) {
    this.outbox = outbox;
    this.format = format;
    this.wake = wake;
  }

  notify(notification: IncidentNotification): void {
    this.outbox.enqueue({ id: randomUUID(), incidentId: notification.incident.id, event: notification.event, payload: webhookBody(notification, this.format), createdAt: notification.at });
    this.wake();
  }
}
