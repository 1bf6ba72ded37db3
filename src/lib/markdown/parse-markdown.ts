import { createRequire } from 'node:module';
import type { Root } from 'mdast';
import type { Processor } from 'unified';
import { findNestingProblem } from './nesting-limits.ts';

// Loaded on first use, not on import: the parser and its micromark extensions take a quarter
// of a second to load, and `docs:check` imports this domain without ever parsing a body.
// Node loads these ES modules synchronously through require().
const require = createRequire(import.meta.url);
let parser: Processor<Root> | null = null;

function markdownParser(): Processor<Root> {
  if (!parser) {
    const { unified } = require('unified') as typeof import('unified');
    const remarkParse = (require('remark-parse') as { default: typeof import('remark-parse').default }).default;
    const remarkGfm = (require('remark-gfm') as { default: typeof import('remark-gfm').default }).default;
    parser = unified().use(remarkParse).use(remarkGfm) as unknown as Processor<Root>;
  }
  return parser;
}

/**
 * The largest body parsed on the request thread. The parser is superlinear on long bodies
 * (on a busy two-core machine, 256 KiB of prose took 2.5 s and 1 MiB took minutes), so a
 * larger body is rendered in the worker pool only, where a time budget applies.
 */
export const PARSE_ON_REQUEST_LIMIT_BYTES = 128 * 1024;

/**
 * Markdown to a syntax tree, with GFM, exactly as the renderer reads it. Everything that
 * looks into a doc's structure (blocks, headings, troubleshooting sections) parses through
 * here, so all of them see the same tree as the page.
 *
 * This runs on the request thread, so a body that nests beyond NESTING_LIMITS or is longer
 * than PARSE_ON_REQUEST_LIMIT_BYTES reads as an empty tree instead of stalling every request:
 * such a doc has no blocks or sections, and its page and findings say why.
 */
export function parseMarkdown(markdown: string): Root {
  if (!isParseableOnRequest(markdown)) return { type: 'root', children: [] };
  try {
    return markdownParser().parse(markdown) as Root;
  } catch (error) {
    // A construct the limits do not know of nested too deep: the page will say so, the site stays up.
    if (error instanceof RangeError) return { type: 'root', children: [] };
    throw error;
  }
}

/** Whether parseMarkdown reads this body, or answers an empty tree. */
export function isParseableOnRequest(markdown: string): boolean {
  // Characters are at most 3 bytes of UTF-8 here (surrogate pairs count 2 × 3): a cheap upper bound first.
  if (markdown.length * 3 > PARSE_ON_REQUEST_LIMIT_BYTES && Buffer.byteLength(markdown) > PARSE_ON_REQUEST_LIMIT_BYTES) return false;
  return findNestingProblem(markdown) === null;
}
