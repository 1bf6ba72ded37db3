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

/**
 * Wraps each fenced block in a `div.code-block` the page can hang controls on. Only blocks
 * carrying this render's nonce count, and the nonce attribute is removed from every code
 * element, so raw HTML can neither pose as a block nor leak the marker. The wrapper keeps
 * the nonce (`dataBlockNonce`, which sanitizing never lets raw HTML put on a div) until
 * `decorateCodeBlocks` has found it: the two halves may run in different threads.
 */
export function rehypeWrapCodeBlocks(options: { nonce: string; blocks: CodeBlockInfo[] }) {
  return (tree: Root) => {
    const found: Array<{ pre: Element; parent: Element | Root; block: CodeBlockInfo }> = [];
    visitParents(tree, 'element', (node: Element, ancestors) => {
      const marker = node.properties.dataBlockNonce;
      if (marker === undefined || node.tagName !== 'code') return;
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
      const wrapper: Element = {
        type: 'element',
        tagName: 'div',
        properties: { className: ['code-block'], dataBlockIndex: String(block.index), dataBlockNonce: `${options.nonce}:${block.index}` },
        children: [pre],
      };
      parent.children.splice(parent.children.indexOf(pre), 1, wrapper as never);
    }
  };
}

/** Adds each block's decoration (a Run button, a note) to the wrappers `rehypeWrapCodeBlocks` made with this nonce. */
export function decorateCodeBlocks(tree: Root, options: { nonce: string; blocks: CodeBlockInfo[]; decorate: CodeBlockDecorator | undefined }): void {
  visitParents(tree, 'element', (node: Element) => {
    const marker = node.properties.dataBlockNonce;
    if (marker === undefined || node.tagName !== 'div') return;
    delete node.properties.dataBlockNonce;
    const [nonce, index] = String(marker).split(':');
    const block = options.blocks[Number(index)];
    if (nonce !== options.nonce || !block) return;
    const decoration = options.decorate?.(block) ?? null;
    if (!decoration) return;
    node.properties = { className: ['code-block'], ...(decoration.attributes ?? {}), dataBlockIndex: String(block.index) };
    node.children = [...(decoration.before ?? []), ...node.children, ...(decoration.after ?? [])];
  });
}
