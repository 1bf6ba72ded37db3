import { parseMarkdown } from '../markdown/index.ts';
import { visit, SKIP } from 'unist-util-visit';
import type { IdMatcher } from './id-mentions.ts';

/** Something a doc points at: another doc's id, or a path to a markdown file. */
export interface Reference {
  kind: 'id' | 'path';
  target: string;
  /** Where the reference was written. */
  origin: 'frontmatter' | 'text';
  /** 1-based line in the source file, when known. */
  line: number | null;
}


/** True for link targets that point at a markdown file in the docs, not at the web. */
export function isMarkdownPath(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//') && /\.md(?:#.*)?$/i.test(target);
}

/** Collects every reference a doc makes: frontmatter `links:`, ids in prose, and links to .md files. */
export function scanReferences(links: string[], body: string, bodyStartLine: number, matchIds: IdMatcher): Reference[] {
  const references: Reference[] = links.map((target) => ({
    kind: isMarkdownPath(target) ? 'path' : 'id',
    target,
    origin: 'frontmatter',
    line: null,
  }));
  const tree = parseMarkdown(body);
  const lineOf = (node: { position?: { start: { line: number } } }) =>
    node.position ? node.position.start.line + bodyStartLine - 1 : null;
  visit(tree, (node) => {
    if (node.type === 'code' || node.type === 'html') return SKIP;
    if (node.type === 'link') {
      if (isMarkdownPath(node.url)) references.push({ kind: 'path', target: node.url, origin: 'text', line: lineOf(node) });
      return SKIP;
    }
    if (node.type === 'inlineCode' && node.value.includes('/') && isMarkdownPath(node.value)) {
      references.push({ kind: 'path', target: node.value, origin: 'text', line: lineOf(node) });
    }
    if (node.type === 'text') {
      for (const mention of matchIds(node.value)) {
        references.push({ kind: 'id', target: mention.id, origin: 'text', line: lineOf(node) });
      }
    }
    return undefined;
  });
  return references;
}
