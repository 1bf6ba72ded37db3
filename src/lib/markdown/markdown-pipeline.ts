// The heavy half of rendering (unified, rehype, Shiki), loaded only when a renderer is made,
// so that importing the markdown domain stays cheap for the CLI and docs:check.
import { randomBytes } from 'node:crypto';
import { unified, type Processor } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkRehype from 'remark-rehype';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize from 'rehype-sanitize';
import rehypeSlug from 'rehype-slug';
import rehypeAutolinkHeadings from 'rehype-autolink-headings';
import rehypeShikiFromHighlighter from '@shikijs/rehype/core';
import { createHighlighter, type HighlighterGeneric } from 'shiki';
import type { Root as MdastRoot } from 'mdast';
import type { Root as HastRoot } from 'hast';
import { visit } from 'unist-util-visit';
import { docSanitizeSchema } from './sanitize-schema.ts';
import { collectHeadings, type TocEntry } from './collect-headings.ts';
import { unrenderable, type MarkdownRenderer } from './render-markdown.ts';
import { rehypeWrapCodeBlocks, type CodeBlockInfo } from './code-blocks.ts';
import { finishRender, type PreparedDoc } from './finish-render.ts';
import { describeNestingProblem, findNestingProblem } from './nesting-limits.ts';

const LANGUAGES = ['bash', 'shellscript', 'yaml', 'json', 'python', 'dockerfile', 'typescript', 'javascript', 'markdown', 'ini', 'toml', 'diff', 'sql', 'html', 'css'];
// Both themes go into the HTML: the light colours as `color`, the dark ones as `--shiki-dark`,
// which the stylesheet switches to under the same rules as the rest of the page. The GitHub
// "default" pair keeps every token at 4.5:1 or more against its block's background.
const THEMES = { light: 'github-light-default', dark: 'github-dark-default' } as const;

/** Turns untrusted markdown into a prepared tree; the part that may run in a worker thread. */
export interface MarkdownPreparer {
  /** `nonce` marks the code blocks the markdown itself produced (see rehypeWrapCodeBlocks). */
  prepare(markdown: string, nonce: string): Promise<PreparedDoc>;
}

/** Builds the preparing half of the pipeline: GFM, raw HTML sanitized, heading anchors, highlighting. */
export async function createPreparer(): Promise<MarkdownPreparer> {
  const highlighter = await createHighlighter({ themes: Object.values(THEMES), langs: LANGUAGES });
  return {
    async prepare(markdown, nonce) {
      const blocks: CodeBlockInfo[] = [];
      const toc: TocEntry[] = [];
      const processor = buildProcessor(highlighter, nonce, blocks, toc);
      const tree = await processor.run(processor.parse(markdown));
      return { tree, blocks, toc };
    },
  };
}

/** Both halves in this thread: for tests and tools that render a few trusted bodies. */
export async function createPipeline(): Promise<MarkdownRenderer> {
  const preparer = await createPreparer();
  return {
    async render(markdown, options) {
      const found = findNestingProblem(markdown);
      if (found) return unrenderable(`This doc could not be rendered: ${describeNestingProblem(found)}.`);
      // A fresh nonce per render marks the code blocks the markdown itself produced.
      const nonce = randomBytes(12).toString('hex');
      return finishRender(await preparer.prepare(markdown, nonce), options, nonce);
    },
  };
}

function buildProcessor(
  highlighter: HighlighterGeneric<never, never>,
  nonce: string,
  blocks: CodeBlockInfo[],
  toc: TocEntry[],
): Processor<MdastRoot, MdastRoot, HastRoot> {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(() => (tree: MdastRoot) => {
      visit(tree, 'code', (node) => {
        blocks.push({ index: blocks.length, lang: node.lang ?? null, meta: node.meta ?? null, source: node.value, line: node.position?.start.line ?? null });
        node.data = { ...node.data, hProperties: { dataBlockNonce: `${nonce}:${blocks.length - 1}` } };
      });
    })
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(rehypeSanitize, docSanitizeSchema)
    .use(rehypeSlug)
    .use(rehypeAutolinkHeadings, {
      behavior: 'append',
      properties: { className: ['heading-anchor'], ariaLabel: 'Link to this section' },
      content: { type: 'text', value: '#' },
    })
    .use(() => (tree: HastRoot) => void toc.push(...collectHeadings(tree)))
    // Wrapped before highlighting, as Shiki replaces the pre; links and decorations are added
    // afterwards by finishRender, and neither looks inside a pre.
    .use(rehypeWrapCodeBlocks, { nonce, blocks })
    .use(rehypeShikiFromHighlighter, highlighter as never, { themes: THEMES, fallbackLanguage: 'text', defaultLanguage: 'text' }) as never;
}
