import { parseMarkdown } from '../markdown/index.ts';
import GithubSlugger from 'github-slugger';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';
import type { DocRecord } from './doc-record.ts';

const cache = new WeakMap<DocRecord, Set<string>>();

/**
 * The anchor ids a doc's page gives its headings, computed with the same slugger the
 * renderer uses, so a citation like ADR-0015#artifact-path-safety can be checked without
 * rendering the page. Cached per DocRecord, which changes whenever the file does.
 */
export function headingSlugs(doc: DocRecord): Set<string> {
  let slugs = cache.get(doc);
  if (!slugs) {
    const slugger = new GithubSlugger();
    slugs = new Set();
    const tree = parseMarkdown(doc.body);
    visit(tree, 'heading', (node) => void slugs!.add(slugger.slug(toString(node))));
    cache.set(doc, slugs);
  }
  return slugs;
}
