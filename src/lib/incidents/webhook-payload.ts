import type { Incident } from './incident-record.ts';
import type { IncidentNotification } from './webhook-notifier.ts';

/** How a notification is written on the wire. */
export type WebhookFormat = 'json' | 'slack';

/**
 * The request body for a notification, written once when it is recorded and sent unchanged on
 * every attempt. `json` is the notification itself; `slack` is a message an incoming webhook of
 * Slack (or a compatible chat: Mattermost, Rocket.Chat) shows as is.
 */
export function webhookBody(notification: IncidentNotification, format: WebhookFormat): string {
  return JSON.stringify(format === 'slack' ? slackMessage(notification) : notification);
}

/** `<check> failed on <target>: <assertion or failure kind>`, as the exported incident doc is titled. */
export function incidentTitle(incident: Incident): string {
  return `${incident.blockId} failed on ${incident.target}: ${incident.assertion ?? incident.failureKind}`;
}

/** Slack's `{ text, blocks }`: `text` is the fallback for notifications and clients that show no blocks. */
function slackMessage({ event, incident, url }: IncidentNotification): { text: string; blocks: unknown[] } {
  const verb = event === 'incident.opened' ? 'opened' : 'resolved';
  const name = url ? `<${url}|${escapeSlack(incident.id)}>` : escapeSlack(incident.id);
  const title = escapeSlack(incidentTitle(incident));
  const field = (label: string, value: string) => ({ type: 'mrkdwn', text: `*${label}*\n${escapeSlack(value)}` });
  return {
    text: `${escapeSlack(incident.id)} ${verb}: ${title}${url ? ` ${url}` : ''}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${name} ${verb}*: ${title}` } },
      {
        type: 'section',
        fields: [
          field('Status', incident.status),
          field('Check', incident.blockId),
          field('Target', incident.target),
          field('Failure', incident.assertion ? `${incident.failureKind} (${incident.assertion})` : incident.failureKind),
        ],
      },
      ...(url ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the incident' }, url }] }] : []),
    ],
  };
}

// Slack reads &, < and > as markup (links, mentions); everything else in mrkdwn is safe as text.
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
