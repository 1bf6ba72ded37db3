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
import { toHtml } from 'hast-util-to-html';
import rehypeShikiFromHighlighter from '@shikijs/rehype/core';
import { createHighlighter, type HighlighterGeneric } from 'shiki';
import type { Root as MdastRoot } from 'mdast';
import type { Root as HastRoot, RootContent } from 'hast';
import { visit } from 'unist-util-visit';
import { docSanitizeSchema } from './sanitize-schema.ts';
import { collectHeadings, type TocEntry } from './collect-headings.ts';
import type { MarkdownRenderer, RenderedSegment, RenderOptions } from './render-markdown.ts';
import { rehypeCodeBlocks, type CodeBlockDecorator, type CodeBlockInfo } from './code-blocks.ts';

const LANGUAGES = ['bash', 'shellscript', 'yaml', 'json', 'python', 'dockerfile', 'typescript', 'javascript', 'markdown', 'ini', 'toml', 'diff', 'sql', 'html', 'css'];
const THEME = 'github-light';

/** Builds the markdown pipeline: GFM, raw HTML sanitized, heading anchors, highlighting, doc links. */
export async function createPipeline(): Promise<MarkdownRenderer> {
  const highlighter = await createHighlighter({ themes: [THEME], langs: LANGUAGES });
  return {
    async render(markdown, options) {
      // A fresh nonce per render marks the code blocks the markdown itself produced, so raw
      // HTML in a doc cannot pose as one of them.
      const nonce = randomBytes(12).toString('hex');
      const blocks: CodeBlockInfo[] = [];
      const toc: TocEntry[] = [];
      const processor = buildProcessor(highlighter, options, nonce, blocks, toc);
      const tree = await processor.run(processor.parse(markdown));
      const segments = splitAtHeadings(tree);
      return { html: segments.map((segment) => segment.headingHtml + segment.bodyHtml).join(''), segments, toc };
    },
  };
}

function buildProcessor(
  highlighter: HighlighterGeneric<never, never>,
  options: RenderOptions,
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
    .use(() => (tree: HastRoot) => options.transformTree?.(tree))
    .use(rehypeCodeBlocks, { nonce, blocks, decorate: options.decorateCodeBlock })
    .use(rehypeShikiFromHighlighter, highlighter as never, { theme: THEME, fallbackLanguage: 'text', defaultLanguage: 'text' }) as never;
}

const HEADING = /^h[1-6]$/;

/** Serializes the tree in parts, one per top-level heading, so a page can add markup between them. */
function splitAtHeadings(tree: HastRoot): RenderedSegment[] {
  const segments: Array<{ headingId: string | null; heading: RootContent | null; body: RootContent[] }> = [{ headingId: null, heading: null, body: [] }];
  for (const node of tree.children) {
    if (node.type === 'element' && HEADING.test(node.tagName)) {
      segments.push({ headingId: typeof node.properties.id === 'string' ? node.properties.id : null, heading: node, body: [] });
    } else {
      segments.at(-1)!.body.push(node);
    }
  }
  return segments
    .filter((segment) => segment.heading || segment.body.length > 0)
    .map((segment) => ({
      headingId: segment.headingId,
      headingHtml: segment.heading ? toHtml(segment.heading) : '',
      bodyHtml: toHtml({ type: 'root', children: segment.body }),
    }));
}
