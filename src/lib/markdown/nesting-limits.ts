/**
 * How deep a markdown body may nest before the parser is not asked to read it. Each limit is
 * far beyond what a runbook needs and well below where the parser or renderer goes wrong:
 * measured with remark 11 / rehype, 5,000 nested block quotes take 2 s and 1 GB to parse and
 * then overflow the stack; lists nested by indentation grow quadratically (1,000 levels: 49 s);
 * 20,000 nested brackets take 4 s; a run of 5,000 `*` or 5,000 nested HTML tags overflows the stack,
 * and 6,000 emphases opened one inside the other (`*a *a *a …`) parse for 45 s and then overflow.
 */
export const NESTING_LIMITS = {
  'block quotes': 100,
  lists: 32,
  brackets: 100,
  'emphasis markers': 100,
  emphasis: 100,
  'HTML tags': 100,
} as const;

/** What a body nests too deeply, as the page and the findings name it. */
export type NestingKind = keyof typeof NESTING_LIMITS;

/** The first limit a body goes past: what, how deep, and the limit. */
export interface NestingProblem {
  kind: NestingKind;
  depth: number;
  limit: number;
  /** 1-based line within the body where the depth was reached. */
  line: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * The first nesting limit a markdown body exceeds, or null. Linear in the body's length, and
 * most bodies are passed by cheap counts before any line is looked at: a body with fewer than
 * 100 `[` cannot nest brackets 100 deep.
 */
export function findNestingProblem(markdown: string): NestingProblem | null {
  const checkQuotesAndLists = /^[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])/m.test(markdown) && /^[ \t]{16,}|(?:[>*+-][ \t]*){8}/m.test(markdown);
  const checkBrackets = countAtLeast(markdown, '[', NESTING_LIMITS.brackets);
  const checkHtml = countAtLeast(markdown, '<', NESTING_LIMITS['HTML tags']);
  const emphasisRun = new RegExp(`[*_]{${NESTING_LIMITS['emphasis markers'] + 1},}`).exec(markdown);
  const checkEmphasis = countAtLeast(markdown, '*', NESTING_LIMITS['emphasis markers']) || countAtLeast(markdown, '_', NESTING_LIMITS['emphasis markers']);
  if (!checkQuotesAndLists && !checkBrackets && !checkHtml && !emphasisRun && !checkEmphasis) return null;

  const lines = markdown.split('\n');
  let fence: string | null = null;
  let brackets = 0;
  let html = 0;
  let emphasis = 0;
  let deepestEmphasis = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const open = FENCE.exec(line);
    if (fence !== null) {
      if (open && open[1]![0] === fence[0] && open[1]!.length >= fence.length && line.trim() === open[1]) fence = null;
      continue;
    }
    if (open) {
      fence = open[1]!;
      continue;
    }
    if (line.trim() === '') brackets = emphasis = 0; // Inline markup never spans a blank line.
    if (checkQuotesAndLists) {
      const { quotes, lists } = containerDepth(line);
      if (quotes > NESTING_LIMITS['block quotes']) return problem('block quotes', quotes, index);
      if (lists > NESTING_LIMITS.lists) return problem('lists', lists, index);
    }
    if (checkBrackets) {
      for (let at = 0; at < line.length; at += 1) {
        const char = line[at];
        if (char === '\\') at += 1;
        else if (char === '[') {
          brackets += 1;
          if (brackets > NESTING_LIMITS.brackets) return problem('brackets', countRun(line, at, brackets), index);
        } else if (char === ']' && brackets > 0) brackets -= 1;
      }
    }
    if (checkEmphasis) {
      // Emphasis opened by `*a *b *c …` nests without any long run of markers: count runs that
      // can only open (followed, not preceded, by text) against those that can only close.
      for (const run of line.matchAll(/[*_]+/g)) {
        const before = run.index === 0 ? ' ' : line[run.index - 1]!;
        const after = line[run.index + run[0].length] ?? ' ';
        const opens = !/\s/.test(after) && /[\s([{]/.test(before);
        const closes = !/\s/.test(before) && /[\s.,;:!?)\]}]/.test(after);
        if (opens && !closes) emphasis += 1;
        else if (closes && !opens && emphasis > 0) emphasis -= 1;
        deepestEmphasis = Math.max(deepestEmphasis, emphasis);
      }
      // The whole line is counted, so the message names the depth it reaches, not the limit plus one.
      if (deepestEmphasis > NESTING_LIMITS.emphasis) return problem('emphasis', deepestEmphasis, index);
    }
    if (checkHtml && line.includes('<')) {
      for (const tag of line.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(\/?)>/g)) {
        if (VOID_TAGS.has(tag[2]!.toLowerCase()) || tag[3] === '/') continue;
        html = tag[1] ? Math.max(0, html - 1) : html + 1;
        if (html > NESTING_LIMITS['HTML tags']) return problem('HTML tags', html, index);
      }
    }
    if (emphasisRun) {
      const run = new RegExp(`[*_]{${NESTING_LIMITS['emphasis markers'] + 1},}`).exec(line);
      // A line of only markers is a thematic break, not emphasis.
      if (run && line.trim() !== run[0]) return problem('emphasis markers', run[0].length, index);
    }
  }
  return null;
}

/** How a nesting problem reads on a page and in a finding. */
export function describeNestingProblem(found: Pick<NestingProblem, 'kind' | 'depth' | 'limit'>): string {
  const depth = found.depth.toLocaleString('en-US');
  return found.kind === 'emphasis markers'
    ? `it has a run of ${depth} emphasis markers; the limit is ${found.limit}`
    : `it nests ${found.kind} ${depth} deep; the limit is ${found.limit}`;
}

function problem(kind: NestingKind, depth: number, index: number): NestingProblem {
  return { kind, depth, limit: NESTING_LIMITS[kind], line: index + 1 };
}

/** Block quote markers, and list items (markers or two columns of indentation each), at a line's start. */
function containerDepth(line: string): { quotes: number; lists: number } {
  let quotes = 0;
  let lists = 0;
  let at = 0;
  let indent = 0;
  while (at < line.length) {
    const char = line[at]!;
    if (char === ' ' || char === '\t') {
      indent += char === '\t' ? 4 : 1;
      at += 1;
    } else if (char === '>') {
      quotes += 1;
      at += 1;
      indent = 0;
    } else {
      const marker = /^(?:[-*+]|\d{1,9}[.)])(?=[ \t])/.exec(line.slice(at, at + 11));
      if (!marker) break;
      lists += 1 + Math.floor(indent / 2);
      indent = 0;
      at += marker[0].length;
    }
  }
  return { quotes, lists };
}

/** The depth reached by the run of `[` that went past the limit, so the message names the whole run. */
function countRun(line: string, at: number, depth: number): number {
  let end = at + 1;
  while (line[end] === '[') end += 1;
  return depth + (end - at - 1);
}

function countAtLeast(text: string, char: string, limit: number): boolean {
  let count = 0;
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) if (++count > limit) return true;
  return false;
}
