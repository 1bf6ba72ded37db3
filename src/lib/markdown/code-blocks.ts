import type { Element, ElementContent, Root } from 'hast';
import { visitParents } from 'unist-util-visit-parents';

/** A fenced code block as written in the markdown. */
export interface CodeBlockInfo {
  /** Position among the doc's code blocks, from 0. */
  index: number;
  lang: string | null;
  /** The fence info after the language, e.g. `{ name=build-runner }`. */
  meta: string | null;
  source: string;
  /** Line in the markdown body where the fence starts. */
  line: number | null;
}

/** Adds markup around a code block (a Run button, a "manual step" note), or nothing. */
export type CodeBlockDecorator = (block: CodeBlockInfo) => { before?: ElementContent[]; after?: ElementContent[]; attributes?: Record<string, string | string[]> } | null;

interface Options {
  nonce: string;
  blocks: CodeBlockInfo[];
  decorate: CodeBlockDecorator | undefined;
}

/**
 * Wraps each fenced block in a `div.code-block` the page can hang controls on. Only blocks
 * carrying this render's nonce count, and the nonce attribute is removed from every
 * element, so raw HTML can neither pose as a block nor leak the marker.
 */
export function rehypeCodeBlocks(options: Options) {
  return (tree: Root) => {
    const found: Array<{ pre: Element; parent: Element | Root; block: CodeBlockInfo }> = [];
    visitParents(tree, 'element', (node: Element, ancestors) => {
      const marker = node.properties.dataBlockNonce;
      if (marker === undefined) return;
      delete node.properties.dataBlockNonce;
      const [nonce, index] = String(marker).split(':');
      const pre = ancestors.at(-1);
      const parent = ancestors.at(-2);
      const block = options.blocks[Number(index)];
      if (nonce !== options.nonce || !block || pre?.type !== 'element' || pre.tagName !== 'pre' || !parent) return;
      if (parent.type !== 'element' && parent.type !== 'root') return;
      found.push({ pre, parent, block });
    });
    for (const { pre, parent, block } of found) {
      const decoration = options.decorate?.(block) ?? null;
      const wrapper: Element = {
        type: 'element',
        tagName: 'div',
        properties: { className: ['code-block'], ...(decoration?.attributes ?? {}), dataBlockIndex: String(block.index) },
        children: [...(decoration?.before ?? []), pre, ...(decoration?.after ?? [])],
      };
      parent.children.splice(parent.children.indexOf(pre), 1, wrapper as never);
    }
  };
}
