import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { Root } from 'mdast';

const parser = unified().use(remarkParse).use(remarkGfm);

/**
 * Markdown to a syntax tree, with GFM, exactly as the renderer reads it. Everything that
 * looks into a doc's structure (references, blocks, headings, troubleshooting sections)
 * parses through here, so all of them see the same tree as the page.
 */
export function parseMarkdown(markdown: string): Root {
  return parser.parse(markdown) as Root;
}
