import { describe, expect, it } from 'vitest';
import { incidentTitle, webhookBody, type Incident, type IncidentNotification } from '../../../src/lib/incidents/index.ts';

const INCIDENT: Incident = {
  id: 'INC-7',
  blockId: 'RUN-demo/probe',
  docId: 'RUN-demo',
  target: 'local',
  failureKind: 'contract_violation',
  assertion: 'exit code is <0> & stdout has "ok"',
  status: 'open',
  section: null,
  openedAt: '2026-11-26T10:00:00.000Z',
  updatedAt: '2026-11-26T10:00:00.000Z',
  resolvedAt: null,
  acknowledgedBy: null,
  failures: 1,
  lastRunId: 'run-1',
  message: 'boom',
};
const NOTIFICATION: IncidentNotification = { event: 'incident.opened', incident: INCIDENT, url: 'https://runbooks.example/incidents/INC-7', at: '2026-11-26T10:00:01.000Z' };

describe('webhook bodies', () => {
  it('json: the notification itself', () => {
    expect(JSON.parse(webhookBody(NOTIFICATION, 'json'))).toEqual(NOTIFICATION);
  });

  it('slack: text and blocks with the title, status, check, target and a link; markup characters escaped', () => {
    const message = JSON.parse(webhookBody(NOTIFICATION, 'slack')) as { text: string; blocks: Array<Record<string, unknown>> };
    const title = 'RUN-demo/probe failed on local: exit code is &lt;0&gt; &amp; stdout has "ok"';
    expect(incidentTitle(INCIDENT)).toBe('RUN-demo/probe failed on local: exit code is <0> & stdout has "ok"');
    expect(message.text).toBe(`INC-7 opened: ${title} https://runbooks.example/incidents/INC-7`);
    expect(message.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `*<https://runbooks.example/incidents/INC-7|INC-7> opened*: ${title}` } });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Status*\nopen' },
        { type: 'mrkdwn', text: '*Check*\nRUN-demo/probe' },
        { type: 'mrkdwn', text: '*Target*\nlocal' },
        { type: 'mrkdwn', text: '*Failure*\ncontract_violation (exit code is &lt;0&gt; &amp; stdout has "ok")' },
      ],
    });
    expect(message.blocks[2]).toEqual({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the incident' }, url: 'https://runbooks.example/incidents/INC-7' }] });
  });

  it('slack without a site URL: no link and no button', () => {
    const resolved = { ...NOTIFICATION, event: 'incident.resolved' as const, url: null, incident: { ...INCIDENT, status: 'resolved' as const, assertion: null, failureKind: 'image_not_found' as const } };
    const message = JSON.parse(webhookBody(resolved, 'slack')) as { text: string; blocks: unknown[] };
    expect(message.text).toBe('INC-7 resolved: RUN-demo/probe failed on local: image_not_found');
    expect(message.blocks).toHaveLength(2);
    expect(JSON.stringify(message)).not.toContain('http');
  });
});
