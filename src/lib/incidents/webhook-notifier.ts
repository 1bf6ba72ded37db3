import type { Incident } from './incident-record.ts';

/** What a webhook receives. */
export interface IncidentNotification {
  event: 'incident.opened' | 'incident.resolved';
  incident: Incident;
  /** Where a person reads it. */
  url: string | null;
  at: string;
}

/** Tells the outside world about incidents. */
export interface IncidentNotifier {
  notify(notification: IncidentNotification): Promise<void>;
}

/**
 * POSTs each notification as JSON to one URL. Delivery is best effort with a short
 * timeout: a slow or broken receiver must never hold up runs or incident bookkeeping.
 */
export class WebhookNotifier implements IncidentNotifier {
  private readonly url: string;
  private readonly onError: (message: string) => void;

  constructor(url: string, onError: (message: string) => void = (message) => console.warn(message)) {
    this.url = url;
    this.onError = onError;
  }

  async notify(notification: IncidentNotification): Promise<void> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'runbook-live' },
        body: JSON.stringify(notification),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) this.onError(`webhook ${this.url} answered ${response.status} to ${notification.event} ${notification.incident.id}`);
    } catch (error) {
      this.onError(`webhook ${this.url} could not be reached for ${notification.event} ${notification.incident.id}: ${(error as Error).message}`);
    }
  }
}
