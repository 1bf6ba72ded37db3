import { createRequire } from 'node:module';
import type { Root } from 'mdast';
import type { Processor } from 'unified';

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
 * Markdown to a syntax tree, with GFM, exactly as the renderer reads it. Everything that
 * looks into a doc's structure (blocks, headings, troubleshooting sections) parses through
 * here, so all of them see the same tree as the page.
 */
export function parseMarkdown(markdown: string): Root {
  return markdownParser().parse(markdown) as Root;
}
