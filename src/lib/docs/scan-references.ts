import type { IdMatcher } from './id-mentions.ts';

/** Something a doc points at: another doc's id, or a path to a markdown file or a folder. */
export interface Reference {
  kind: 'id' | 'path';
  target: string;
  /** Where the reference was written. */
  origin: 'frontmatter' | 'text';
  /** 1-based line in the source file, when known. */
  line: number | null;
  /**
   * A folder named in inline code. Inline code names many folders that are not the
   * repository's (container paths like `/data/output/`), so it is only a broken link when
   * its leading folder exists in the repository and the rest does not.
   */
  tentative?: boolean;
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const GLOB = /[*?[\]{}]/;

/** True for link targets that point at a markdown file in the repository, not at the web. */
export function isMarkdownPath(target: string): boolean {
  return !URL_SCHEME.test(target) && !target.startsWith('//') && /\.md(?:#.*)?$/i.test(target);
}

/** True for glob patterns (`stories/story-16-*.md`, `{a,b}`): they name many files, never one. */
export function isGlob(target: string): boolean {
  return GLOB.test(target);
}

/**
 * True for a path a doc may be referring to: a markdown file, or a folder written with a
 * trailing slash (`docs/backlog/stories/`). Globs, URLs and plain words are not.
 */
export function isPathReference(target: string): boolean {
  if (isGlob(target) || /\s/.test(target) || URL_SCHEME.test(target) || target.startsWith('//')) return false;
  return isMarkdownPath(target) || (target.endsWith('/') && target.length > 1 && /[A-Za-z0-9_]/.test(target));
}

/**
 * Joins inline code that wraps onto the next line back into one path: markdown turns the
 * line break into a space, but `docs/reference/` + newline + `ref-x.md` is one path.
 */
export function unwrapInlinePath(code: string): string {
  const joined = code.replace(/\s*\n\s*/g, '');
  return /\s/.test(code) && !/\s/.test(joined) ? joined : code.replace(/\s*\n\s*/g, ' ');
}

const FENCE_OPEN = /^\s*(`{3,}|~{3,})/;
// Inline code spans (backtick runs of equal length), markdown links and images, and
// reference-style link definitions. Link labels are skipped, as the renderer does not link inside links.
const SPAN = /(`+)([\s\S]*?[^`])\1(?!`)|(!?)\[((?:[^\]\\\n]|\\.)*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)|<!--[\s\S]*?-->/gm;

/**
 * Collects every reference a doc makes: frontmatter `links:`, ids in prose, links to .md
 * files, and paths in inline code. Text in fenced code blocks and HTML comments is never a
 * reference. This is a single pass over the text, not a markdown parse: validating a large
 * repository must stay fast, and these few constructs are all that references need.
 */
export function scanReferences(links: string[], body: string, bodyStartLine: number, matchIds: IdMatcher): Reference[] {
  const references: Reference[] = links.map((target) => ({ kind: isPathReference(target) ? 'path' : 'id', target, origin: 'frontmatter', line: null }));
  for (const block of proseBlocks(body)) {
    const lineAt = lineLocator(block.text, block.firstLine + bodyStartLine - 1);
    let cursor = 0;
    const prose = (end: number) => {
      if (end > cursor) for (const mention of matchIds(block.text.slice(cursor, end))) references.push({ kind: 'id', target: mention.id, origin: 'text', line: lineAt(cursor + mention.start) });
    };
    for (const match of block.text.matchAll(SPAN)) {
      prose(match.index);
      cursor = match.index + match[0].length;
      const [, ticks, code, bang, , url, definition] = match;
      const line = lineAt(match.index);
      if (ticks !== undefined && code !== undefined) {
        // Inline code names many things (container paths, URLs' paths, API routes): a markdown
        // file in it is a reference, a folder of two or more segments a tentative one.
        const target = unwrapInlinePath(code.trim());
        if (target.includes('/') && isMarkdownPath(target) && !isGlob(target) && !/\s/.test(target)) references.push({ kind: 'path', target, origin: 'text', line });
        else if (isPathReference(target) && /[^/]\/[^/]/.test(target)) references.push({ kind: 'path', target, origin: 'text', line, tentative: true });
      } else if (url !== undefined && !bang) {
        if (isPathReference(url)) references.push({ kind: 'path', target: url, origin: 'text', line });
      } else if (definition !== undefined && isMarkdownPath(definition) && !isGlob(definition)) {
        references.push({ kind: 'path', target: definition, origin: 'text', line });
      }
    }
    prose(block.text.length);
  }
  return references;
}

/** The body without its fenced code blocks, as runs of consecutive prose lines. */
function proseBlocks(body: string): Array<{ text: string; firstLine: number }> {
  const lines = body.split('\n');
  const blocks: Array<{ text: string; firstLine: number }> = [];
  let start = 0;
  let fence: string | null = null;
  const flush = (end: number) => {
    if (end > start) blocks.push({ text: lines.slice(start, end).join('\n'), firstLine: start + 1 });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence) {
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') {
        fence = null;
        start = i + 1;
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      flush(i);
      fence = open[1]!;
    }
  }
  if (!fence) flush(lines.length);
  return blocks;
}

/** Maps an offset in `text` to its 1-based line in the file. */
function lineLocator(text: string, firstLine: number): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return firstLine + low;
  };
}
