import type { Core } from '../app/index.ts';
import { docHref } from '../docs/index.ts';
import type { Incident, IncidentDetail, WebhookDelivery } from '../incidents/index.ts';
import { blockHref } from '../procedures/index.ts';
import { formatAge } from '../shared/index.ts';

/** An incident's page, or `found: false` for a 404. */
export type IncidentPageView =
  | { found: false }
  | { found: true; incident: IncidentDetail; sectionHref: string | null; checkHref: string; exportHref: string; notifications: NotificationsView };

/** The incident's webhook deliveries, and why they are held when they are. */
export interface NotificationsView {
  held: string | null;
  rows: Array<WebhookDelivery & { when: string }>;
}

/** One incident with its timeline and where it is explained. */
export function incidentPageView(core: Core, id: string): IncidentPageView {
  const incident = core.incidents.detail(id);
  if (!incident) return { found: false };
  return {
    found: true,
    incident,
    sectionHref: incident.section ? docHref(incident.section.docId, incident.section.anchor) : null,
    checkHref: blockHref(incident.blockId),
    exportHref: `/api/incidents/${incident.id}/export.md`,
    notifications: {
      held: core.webhooks.held,
      rows: core.webhooks.deliveries(incident.id).map((delivery) => ({ ...delivery, when: deliveryWhen(delivery) })),
    },
  };
}

/** What a delivery waits for, or when it ended. */
function deliveryWhen(delivery: WebhookDelivery): string {
  const at = (iso: string) => iso.replace('T', ' ').slice(0, 19);
  if (delivery.status === 'delivered') return `delivered ${at(delivery.deliveredAt!)}`;
  if (delivery.status === 'failed') return `gave up after ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`;
  return delivery.nextAttemptAt ? `next attempt ${at(delivery.nextAttemptAt)}` : 'waiting';
}

/** The incidents listing, optionally for one check or open ones only. */
export interface IncidentListView {
  check: string | null;
  rows: Array<{ incident: Incident; href: string; sectionHref: string | null; updatedAgo: string }>;
}

/** Incidents, open ones first, as the listing page shows them. */
export function incidentListView(core: Core, query: URLSearchParams, now = Date.now()): IncidentListView {
  const check = query.get('check');
  const incidents = core.incidents.list({ limit: 500, openOnly: query.get('open') === '1', ...(check ? { blockId: check } : {}) });
  return {
    check,
    rows: incidents.map((incident) => ({
      incident,
      href: `/incidents/${incident.id}`,
      sectionHref: incident.section ? docHref(incident.section.docId, incident.section.anchor) : null,
      updatedAgo: formatAge(now - Date.parse(incident.updatedAt)),
    })),
  };
}
