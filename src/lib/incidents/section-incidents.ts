import type { Incident } from './incident-record.ts';
import type { TroubleshootingSection } from './troubleshooting-sections.ts';

const RECENT = 5;

/** The incidents a troubleshooting section explains: the open ones, then a few recent resolved ones. */
export interface SectionIncidents {
  anchor: string;
  open: Incident[];
  recent: Incident[];
  total: number;
}

/** Each section's incidents, keyed by the section's anchor; sections without any are left out. */
export function sectionIncidents(sections: TroubleshootingSection[], incidents: Incident[]): Map<string, SectionIncidents> {
  const byAnchor = new Map<string, SectionIncidents>();
  for (const section of sections) {
    const mine = incidents.filter((i) => i.section?.docId === section.docId && i.section.anchor === section.anchor);
    if (mine.length === 0) continue;
    const open = mine.filter((i) => i.status !== 'resolved');
    byAnchor.set(section.anchor, { anchor: section.anchor, open, recent: mine.filter((i) => i.status === 'resolved').slice(0, RECENT), total: mine.length });
  }
  return byAnchor;
}
