import path from 'node:path';
import { stringify } from 'yaml';
import { blockIdParts } from '../procedures/index.ts';
import type { Incident, IncidentEvent } from './incident-record.ts';

/** An incident as a markdown doc, ready to be committed next to the docs. */
export interface ExportedIncident {
  fileName: string;
  markdown: string;
}

/**
 * Writes an incident as a doc of type `incident` (the shipped contract's `incidents/`
 * folder): frontmatter that links back to the runbook section, then the timeline with log
 * excerpts. `sectionPath` is the explaining runbook's path in the docs folder.
 */
export function exportIncident(incident: Incident, events: IncidentEvent[], sectionPath: string | null): ExportedIncident {
  const number = incident.id.replace(/^INC-/, '');
  const subject = incident.assertion ?? incident.failureKind;
  const slug = `${blockIdParts(incident.blockId).local}-${subject}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  const fileName = `inc-${number}-${slug}.md`;
  const frontmatter = {
    type: 'incident',
    id: incident.id,
    title: `${incident.blockId} failed on ${incident.target}: ${subject}`,
    status: incident.status,
    owners: incident.acknowledgedBy ?? 'on-call',
    created: incident.openedAt.slice(0, 10),
    updated: incident.updatedAt.slice(0, 10),
    check: incident.blockId,
    target: incident.target,
    failure_kind: incident.failureKind,
    ...(incident.assertion ? { assertion: incident.assertion } : {}),
    ...(incident.section ? { section: `${incident.section.docId}#${incident.section.anchor}` } : {}),
    links: [...new Set([incident.docId, ...(incident.section ? [incident.section.docId] : [])])],
  };
  const relative = sectionPath ? path.posix.relative('incidents', sectionPath) : null;
  const explanation = !incident.section
    ? 'No troubleshooting section covers this failure yet: that is a gap in the runbook.'
    : relative
      ? `Explained by [${incident.section.title}](${relative}#${incident.section.anchor}) in ${incident.section.docId}.`
      : `Explained by "${incident.section.title}" in ${incident.section.docId}, which is no longer in the docs folder.`;
  const body = [
    '## Summary',
    '',
    `\`${incident.blockId}\` failed on \`${incident.target}\` with \`${incident.failureKind}\`${incident.assertion ? ` (${incident.assertion})` : ''}, ${incident.failures} time${incident.failures === 1 ? '' : 's'}.`,
    '',
    explanation,
    '',
    '## Timeline',
    '',
    ...events.flatMap((event) => [
      `- ${event.at} **${event.type}**${event.actor ? ` by ${event.actor}` : ''}${event.runId ? ` (run \`${event.runId}\`)` : ''}${event.text ? `: ${event.text.replace(/\n/g, ' ')}` : ''}`,
      ...(event.excerpt ? ['', indent(fence(event.excerpt)), ''] : []),
    ]),
    '',
  ].join('\n');
  return { fileName, markdown: `---\n${stringify(frontmatter).trimEnd()}\n---\n\n${body}` };
}

/** A fence longer than any backtick run in the text, so log lines cannot close it. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}text\n${text}\n${marks}`;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
