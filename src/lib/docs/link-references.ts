import type { Element, ElementContent, Root, Text } from 'hast';
import { visitParents } from 'unist-util-visit-parents';
import type { IdMatcher } from './id-mentions.ts';
import type { Resolution } from './resolve-reference.ts';
import { isGlob, isMarkdownPath, unwrapInlinePath } from './scan-references.ts';

/** How the renderer turns a reference written in a doc into a place on the site. */
export interface ReferenceLinker {
  matchIds: IdMatcher;
  resolve(kind: 'id' | 'path', target: string): Resolution;
  hrefForDoc(id: string, anchor: string | null): string;
  /** A repository file's page in the repository's web view (`repo.url`), or null to show it as plain code. */
  hrefForRepository(repositoryPath: string): string | null;
  /** A folder of the docs: its index doc, or the catalogue narrowed to it. */
  hrefForFolder(docsPath: string, indexId: string | null): string;
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
  if (!href || !isMarkdownPath(href) || isGlob(href)) return;
  const resolution = linker.resolve('path', href);
  const target = hrefOf(resolution, linker);
  if (target) {
    anchor.properties.href = target;
    anchor.properties.className = [resolution.kind === 'doc' ? 'doc-link' : 'repo-link'];
  } else if (resolution.kind === 'broken') {
    delete anchor.properties.href;
    anchor.tagName = 'span';
    anchor.properties = { className: ['broken-link'], title: `Broken link: ${resolution.reason}` };
  } else {
    // A repository file with no web view configured: plain text, not a dead link.
    delete anchor.properties.href;
    anchor.tagName = 'span';
    anchor.properties = { className: ['repo-path'] };
  }
}

function linkInlineCodePath(code: Element, parent: Element | Root | undefined, linker: ReferenceLinker): void {
  const only = code.children[0];
  if (!parent || code.children.length !== 1 || only?.type !== 'text') return;
  // Markdown turned a wrapped line into a space; the path is the text without it.
  const path = unwrapInlinePath(only.value.trim());
  if (!path.includes('/') || isGlob(path) || /\s/.test(path)) return;
  const resolution = linker.resolve('path', path);
  // Only a markdown file is a reference; any other path (a folder, a script) links when it exists.
  if (resolution.kind === 'broken' && !isMarkdownPath(path)) return;
  if (resolution.kind === 'repository' && !hrefOf(resolution, linker)) return;
  const wrapped = referenceElement(resolution, path, linker, [{ ...code }]);
  parent.children.splice(parent.children.indexOf(code), 1, wrapped as never);
}

function hrefOf(resolution: Resolution, linker: ReferenceLinker): string | null {
  switch (resolution.kind) {
    case 'doc':
      return linker.hrefForDoc(resolution.id, resolution.anchor);
    case 'folder':
      return linker.hrefForFolder(resolution.path, resolution.indexId);
    case 'repository':
      return linker.hrefForRepository(resolution.path);
    case 'broken':
      return null;
  }
}

function referenceElement(resolution: Resolution, target: string, linker: ReferenceLinker, children: ElementContent[]): Element {
  const href = hrefOf(resolution, linker);
  if (href) return { type: 'element', tagName: 'a', properties: { href, className: [resolution.kind === 'doc' ? 'doc-link' : 'repo-link'] }, children };
  if (resolution.kind !== 'broken') return { type: 'element', tagName: 'span', properties: { className: ['repo-path'] }, children };
  return {
    type: 'element',
    tagName: 'span',
    properties: { className: ['broken-link'], title: `Broken link to ${target}: ${resolution.reason}` },
    children,
  };
}
