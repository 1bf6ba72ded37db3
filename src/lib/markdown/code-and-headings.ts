import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import { parseMarkdown } from './parse-markdown.ts';

/** A heading or a code block of a markdown body, in document order. */
export type OutlineItem =
  /** `line` and `endLine` are 1-based within the markdown given (a setext heading spans two lines). */
  | { kind: 'heading'; text: string; line: number | null; endLine: number | null }
  /** `line` is 1-based within the markdown given. */
  | { kind: 'code'; lang: string | null; meta: string | null; value: string; line: number | null };

/**
 * Every heading and code block of a markdown body, in order, as the renderer's tree has
 * them. Most docs are written plainly enough that a line scan finds exactly what the parser
 * would, at a fraction of the cost (parsing every doc with a fence was most of the server's
 * cold start); anything the scan is not sure of is handed to the real parser instead.
 */
export function codeAndHeadings(markdown: string): OutlineItem[] {
  return scanPlainMarkdown(markdown) ?? parsedOutline(markdown);
}

/** The outline from the full markdown parse: always right, and the reference for the scan. */
export function parsedOutline(markdown: string): OutlineItem[] {
  const items: OutlineItem[] = [];
  visit(parseMarkdown(markdown), (node) => {
    if (node.type === 'heading') items.push({ kind: 'heading', text: toString(node), line: node.position?.start.line ?? null, endLine: node.position?.end.line ?? null });
    else if (node.type === 'code') items.push({ kind: 'code', lang: node.lang ?? null, meta: node.meta ?? null, value: node.value, line: node.position?.start.line ?? null });
  });
  return items;
}

const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}#{1,6}(?=[ ]|$)(.*)$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ ]*$/;
// Line starts whose meaning depends on context the scan does not track: block quotes, raw
// HTML, indented code or nested list content, and list items holding a heading.
const CONTEXTUAL_LINE = /^(?: {0,3}[><]| {4,}\S| {0,3}(?:[-*+]|\d{1,9}[.)])[ ]+#)/;
// Inline markup whose text the parser would change (code spans, emphasis, links, escapes,
// entities, raw HTML, strikethrough).
const INLINE_MARKUP = /[\\`*_[\]<>&~]/;

/**
 * The outline by a line scan, or null when the body uses anything that needs the parser to
 * be read right: fences that are indented, nested or unclosed, block quotes, HTML, indented
 * code, setext headings, tabs, CRLF, and headings or fence info with inline markup.
 */
export function scanPlainMarkdown(markdown: string): OutlineItem[] | null {
  if (markdown.includes('\r') || markdown.includes('\t')) return null;
  const lines = markdown.split('\n');
  const items: OutlineItem[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const open = FENCE_OPEN.exec(line);
    if (open) {
      const fence = open[1]!;
      const info = open[2]!.trim();
      // A backtick in a backtick fence's info makes it inline code; escapes and entities are decoded by the parser.
      if ((fence[0] === '`' && info.includes('`')) || /[\\&]/.test(info)) return null;
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ ]*$`);
      const end = lines.findIndex((candidate, at) => at > index && close.test(candidate));
      if (end < 0) return null;
      const space = info.search(/\s/);
      items.push({
        kind: 'code',
        lang: info === '' ? null : space < 0 ? info : info.slice(0, space),
        meta: space < 0 ? null : info.slice(space).trim() || null,
        value: lines.slice(index + 1, end).join('\n'),
        line: index + 1,
      });
      index = end;
      continue;
    }
    if (line.includes('```') || line.includes('~~~') || CONTEXTUAL_LINE.test(line)) return null;
    if (SETEXT_UNDERLINE.test(line) && index > 0 && lines[index - 1]!.trim() !== '') return null;
    const heading = ATX_HEADING.exec(line);
    if (heading) {
      const text = heading[1]!.trim().replace(/(?:^|[ ]+)#+[ ]*$/, '').trim();
      if (INLINE_MARKUP.test(text)) return null;
      items.push({ kind: 'heading', text, line: index + 1, endLine: index + 1 });
    }
  }
  return items;
}
