// The words of markdown, without its marks, for the search index only: link targets, emphasis
// and fence lines would otherwise match searches ("md", "adr") and clutter snippets. Pages are
// rendered by the real parser; this only has to keep the words a reader sees, in order.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s/;
// A table's delimiter row or a thematic break: marks only.
const MARKS_ONLY_LINE = /^ {0,3}[|:\-*_ =]+$/;

/** Private-use characters the index marks matches with in snippets; never taken from a doc. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';
const MATCH_MARKERS = /[\uE000\uE001]/g;

/** Text with the snippet markers taken out, so only the index's own markers ever reach a snippet. */
export function withoutMatchMarkers(text: string): string {
  return text.replace(MATCH_MARKERS, '');
}

/** The reader's words of some markdown lines: code kept as written, everything else without its marks. */
export function plainText(lines: readonly string[]): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of lines) {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== null) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
      else out.push(line);
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    if (REFERENCE_DEFINITION.test(line) || MARKS_ONLY_LINE.test(line)) continue;
    out.push(plainLine(line));
  }
  return withoutMatchMarkers(out.join('\n')).replace(/\n{3,}/g, '\n\n').trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** One line of prose without its marks. */
function plainLine(line: string): string {
  return line
    .replace(/^ {0,3}(?:>[ ]?)+/, '')
    .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/, '')
    .replace(/^ {0,3}#{1,6}(?=\s|$)\s*/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/<!--.*?-->/g, ' ')
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_match, name: string) => ENTITIES[name]!)
    .replace(/\*\*|__|~~|`+/g, '')
    // A single * or _ next to a non-word is emphasis; inside a word (snake_case) it is text.
    .replace(/(?<![\p{L}\p{N}])[*_]|[*_](?![\p{L}\p{N}])/gu, '')
    .replace(/\s*\|\s*/g, ' ')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
