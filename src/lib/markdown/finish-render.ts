import type { Root as HastRoot, RootContent } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { decorateCodeBlocks, type CodeBlockInfo } from './code-blocks.ts';
import type { TocEntry } from './collect-headings.ts';
import type { RenderedDoc, RenderedSegment, RenderOptions } from './render-markdown.ts';

/** The heavy half of a render: the sanitized, highlighted tree, before the docs layer links it and blocks are decorated. */
export interface PreparedDoc {
  tree: HastRoot;
  blocks: CodeBlockInfo[];
  toc: TocEntry[];
}

/** The light half of a render, on the caller's thread: the caller's tree transform, block decorations, HTML. */
export function finishRender(prepared: PreparedDoc, options: RenderOptions, nonce: string): RenderedDoc {
  options.transformTree?.(prepared.tree);
  decorateCodeBlocks(prepared.tree, { nonce, blocks: prepared.blocks, decorate: options.decorateCodeBlock });
  const segments = splitAtHeadings(prepared.tree);
  return { html: segments.map((segment) => segment.headingHtml + segment.bodyHtml).join(''), segments, toc: prepared.toc, problem: null };
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
