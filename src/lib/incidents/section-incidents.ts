import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import type { Incident } from './incident-record.ts';
import type { TroubleshootingSection } from './troubleshooting-sections.ts';

const RECENT = 5;

/**
 * HTML for each troubleshooting section: its open and recent incidents, built as a tree
 * so every value is escaped. Keyed by the section's anchor.
 */
export function sectionIncidentsHtml(sections: TroubleshootingSection[], incidents: Incident[]): Map<string, string> {
  const byAnchor = new Map<string, string>();
  for (const section of sections) {
    const mine = incidents.filter((i) => i.section?.docId === section.docId && i.section.anchor === section.anchor);
    const open = mine.filter((i) => i.status !== 'resolved');
    const recent = mine.filter((i) => i.status === 'resolved').slice(0, RECENT);
    if (mine.length === 0) continue;
    const item = (incident: Incident) =>
      h('li', { 'data-incident-id': incident.id, 'data-status': incident.status }, [
        h('a', { href: `/incidents/${incident.id}` }, incident.id),
        ` ${incident.status}: `,
        h('code', incident.blockId),
        ` on ${incident.target}, ${incident.failures} failure${incident.failures === 1 ? '' : 's'}, last ${incident.updatedAt.replace('T', ' ').slice(0, 16)}`,
      ]);
    const tree = h('aside', { className: ['section-incidents', ...(open.length === 0 ? ['calm'] : [])], 'data-section': section.anchor }, [
      h('strong', open.length > 0 ? `${open.length} open incident${open.length === 1 ? '' : 's'}` : 'No open incidents'),
      ` · ${mine.length} in all`,
      h('ul', [...open, ...recent].map(item)),
    ]);
    byAnchor.set(section.anchor, toHtml(tree));
  }
  return byAnchor;
}

/** Inserts each snippet right after the heading with that id in rendered doc HTML. */
export function insertAfterHeadings(html: string, snippets: Map<string, string>): string {
  let out = html;
  for (const [anchor, snippet] of snippets) {
    const at = out.indexOf(`id="${anchor}"`);
    if (at < 0) continue;
    const close = /<\/h[1-6]>/.exec(out.slice(at));
    if (!close) continue;
    const end = at + close.index + close[0].length;
    out = `${out.slice(0, end)}${snippet}${out.slice(end)}`;
  }
  return out;
}
