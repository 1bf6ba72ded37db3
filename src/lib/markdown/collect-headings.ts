import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';

/** A heading worth listing in a table of contents. */
export interface TocEntry {
  depth: 2 | 3;
  id: string;
  text: string;
}

/** Lists h2 and h3 headings with the ids rehype-slug gave them. */
export function collectHeadings(tree: Root): TocEntry[] {
  const entries: TocEntry[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName !== 'h2' && node.tagName !== 'h3') return;
    const id = node.properties.id;
    if (typeof id !== 'string') return;
    // The anchor link appended to each heading reads '#'; it is not part of the title.
    const text = toString(node).replace(/#$/, '').trim();
    entries.push({ depth: node.tagName === 'h2' ? 2 : 3, id, text });
  });
  return entries;
}
