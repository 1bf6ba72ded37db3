import type { Element, ElementContent, Root, Text } from 'hast';
import { visitParents } from 'unist-util-visit-parents';
import type { IdMatcher } from './id-mentions.ts';
import type { Resolution } from './resolve-reference.ts';
import { isMarkdownPath } from './scan-references.ts';

/** How the renderer turns a reference written in a doc into a place on the site. */
export interface ReferenceLinker {
  matchIds: IdMatcher;
  resolve(kind: 'id' | 'path', target: string): Resolution;
  hrefForDoc(id: string, anchor: string | null): string;
}

const SKIPPED_ANCESTORS = new Set(['a', 'code', 'pre', 'script', 'style']);

/**
 * Rehype plugin: ids in prose become links to their docs, links and inline code naming
 * `.md` files are pointed at the doc pages, and anything that leads nowhere is marked
 * broken. Runs after sanitizing, so the markup it adds is the site's own.
 */
export function rehypeLinkReferences(linker: ReferenceLinker) {
  return (tree: Root) => {
    const textEdits: Array<{ node: Text; parent: Element | Root }> = [];
    visitParents(tree, (node, ancestors) => {
      if (node.type === 'text') {
        const inside = ancestors.some((a) => a.type === 'element' && SKIPPED_ANCESTORS.has(a.tagName));
        const parent = ancestors.at(-1);
        if (!inside && parent && (parent.type === 'element' || parent.type === 'root')) textEdits.push({ node, parent });
        return;
      }
      if (node.type !== 'element') return;
      if (node.tagName === 'a') rewriteAnchor(node, linker);
      if (node.tagName === 'code' && !ancestors.some((a) => a.type === 'element' && (a.tagName === 'pre' || a.tagName === 'a'))) {
        linkInlineCodePath(node, ancestors.at(-1), linker);
      }
    });
    for (const { node, parent } of textEdits) {
      const replacement = linkMentions(node.value, linker);
      if (replacement) parent.children.splice(parent.children.indexOf(node), 1, ...(replacement as never[]));
    }
  };
}

function linkMentions(text: string, linker: ReferenceLinker): ElementContent[] | null {
  const mentions = linker.matchIds(text);
  if (mentions.length === 0) return null;
  const out: ElementContent[] = [];
  let cursor = 0;
  for (const mention of mentions) {
    if (mention.start > cursor) out.push({ type: 'text', value: text.slice(cursor, mention.start) });
    out.push(referenceElement(linker.resolve('id', mention.id), mention.id, linker, [{ type: 'text', value: mention.id }]));
    cursor = mention.end;
  }
  if (cursor < text.length) out.push({ type: 'text', value: text.slice(cursor) });
  return out;
}

function rewriteAnchor(anchor: Element, linker: ReferenceLinker): void {
  const href = typeof anchor.properties.href === 'string' ? anchor.properties.href : null;
  if (!href || !isMarkdownPath(href)) return;
  const resolution = linker.resolve('path', href);
  if (resolution.kind === 'doc') {
    anchor.properties.href = linker.hrefForDoc(resolution.id, resolution.anchor);
    anchor.properties.className = ['doc-link'];
  } else {
    delete anchor.properties.href;
    anchor.tagName = 'span';
    anchor.properties = { className: ['broken-link'], title: `Broken link: ${resolution.reason}` };
  }
}

function linkInlineCodePath(code: Element, parent: Element | Root | undefined, linker: ReferenceLinker): void {
  const only = code.children[0];
  if (!parent || code.children.length !== 1 || only?.type !== 'text') return;
  if (!only.value.includes('/') || !isMarkdownPath(only.value)) return;
  const wrapped = referenceElement(linker.resolve('path', only.value), only.value, linker, [{ ...code }]);
  parent.children.splice(parent.children.indexOf(code), 1, wrapped as never);
}

function referenceElement(resolution: Resolution, target: string, linker: ReferenceLinker, children: ElementContent[]): Element {
  if (resolution.kind === 'doc') {
    return { type: 'element', tagName: 'a', properties: { href: linker.hrefForDoc(resolution.id, resolution.anchor), className: ['doc-link'] }, children };
  }
  return {
    type: 'element',
    tagName: 'span',
    properties: { className: ['broken-link'], title: `Broken link to ${target}: ${resolution.reason}` },
    children,
  };
}
