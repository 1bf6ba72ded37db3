import GithubSlugger from 'github-slugger';
import { codeAndHeadings } from '../markdown/index.ts';
import { plainText } from './plain-text.ts';

/** The text under one heading of a doc (or before its first heading), and the anchor the page gives that heading. */
export interface DocSection {
  /** The heading's id on the page; null for the text before the first heading, or a heading with no words. */
  anchor: string | null;
  heading: string | null;
  /** The section's words, without markdown's marks. */
  text: string;
}

/** More sections than this in one doc are folded into the last (the index numbers rows per doc within this). */
export const MAX_SECTIONS = 65_536;

/**
 * A doc body cut at its headings, every heading of every depth, each section with the anchor
 * the rendered page gives it: the same outline the procedures read (a line scan, or the
 * parser when the scan is unsure) and the same slugger the renderer uses, so a search hit
 * links to the heading a reader sees above the match. The first section is the text before
 * any heading, possibly empty.
 */
export function docSections(body: string): DocSection[] {
  const lines = body.split('\n');
  const slugger = new GithubSlugger();
  const headings = codeAndHeadings(body).flatMap((item) => (item.kind === 'heading' ? [item] : []));
  const sections: Array<DocSection & { from: number }> = [{ anchor: null, heading: null, text: '', from: 0 }];
  let previousEnd = 0;
  for (const heading of headings) {
    // Every heading takes its slug, so later ones get the suffixes the page gives them.
    const slug = slugger.slug(heading.text);
    if (heading.line === null || heading.endLine === null || heading.line - 1 < previousEnd || sections.length >= MAX_SECTIONS) continue;
    sections.at(-1)!.text = plainText(lines.slice(sections.at(-1)!.from, heading.line - 1));
    sections.push({ anchor: slug === '' ? null : slug, heading: heading.text, text: '', from: heading.endLine });
    previousEnd = heading.endLine;
  }
  sections.at(-1)!.text = plainText(lines.slice(sections.at(-1)!.from));
  return sections.map(({ anchor, heading, text }) => ({ anchor, heading, text }));
}
