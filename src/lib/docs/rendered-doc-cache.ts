import type { DocRecord } from './doc-record.ts';
import type { DocSet } from './doc-set.ts';
import { resolveReference } from './resolve-reference.ts';
import { buildIdMatcher, type IdMatcher } from './id-mentions.ts';
import { docHref } from './doc-href.ts';
import { rehypeLinkReferences } from './link-references.ts';
import { unrenderable, type CodeBlockDecorator, type MarkdownRenderer, type RenderedDoc } from '../markdown/index.ts';
import { formatBytes } from './docs-repository.ts';

/**
 * Rendered HTML per doc, kept until anything in the docs folder changes: a new or renamed
 * doc can turn a broken mention elsewhere into a link, so every page is rendered afresh then.
 */
export class RenderedDocCache {
  private readonly makeRenderer: () => Promise<MarkdownRenderer>;
  private renderer: Promise<MarkdownRenderer> | null = null;
  private version = -1;
  private matcher: IdMatcher | null = null;
  private readonly pages = new Map<string, Promise<RenderedDoc>>();

  private readonly repoUrl: string | null;

  /**
   * The renderer is made on the first page that needs it: loading the highlighter's grammars
   * takes about a second, which the catalogue and the API should not wait for at start-up.
   * `repoUrl` is `repo.url`: where repository files outside the docs are linked to.
   */
  constructor(makeRenderer: () => Promise<MarkdownRenderer>, options: { repoUrl?: string | null } = {}) {
    this.makeRenderer = makeRenderer;
    this.repoUrl = options.repoUrl ?? null;
  }

  /**
   * The doc's body as safe HTML with its table of contents, or why it is not shown. A body that
   * could not be rendered (too deep, too slow) is remembered like any other until the folder
   * changes, so asking again for a hostile page costs nothing.
   */
  get(set: DocSet, doc: DocRecord, decorateCodeBlock?: CodeBlockDecorator): Promise<RenderedDoc> {
    if (set.version !== this.version) {
      this.pages.clear();
      this.version = set.version;
      this.matcher = buildIdMatcher(set.contract, set.byId.keys());
    }
    const key = doc.id;
    let page = this.pages.get(key);
    if (!page && doc.tooLarge) {
      const { bytes, limit } = doc.tooLarge;
      page = Promise.resolve(unrenderable(`This doc is not shown: it is ${formatBytes(bytes)}, and docs larger than ${formatBytes(limit)} (docs.max_doc_bytes) are not read as markdown. Split it into smaller docs, or raise docs.max_doc_bytes in runbook-live.yaml.`));
      this.pages.set(key, page);
    }
    if (!page) {
      const matchIds = this.matcher!;
      this.renderer ??= this.makeRenderer().catch((error: unknown) => {
        this.renderer = null;
        throw error;
      });
      page = this.renderer.then((renderer) => renderer.render(doc.body, {
        transformTree: rehypeLinkReferences({
          matchIds,
          resolve: (kind, target) => resolveReference(kind, target, doc.path, set.index),
          hrefForDoc: docHref,
          hrefForRepository: (repositoryPath) => repositoryHref(this.repoUrl, repositoryPath),
          hrefForFolder: (docsPath, indexId) => (indexId ? docHref(indexId) : `/?folder=${encodeURIComponent(docsPath)}`),
        }),
        ...(decorateCodeBlock ? { decorateCodeBlock } : {}),
      }));
      this.pages.set(key, page);
      // A failed render must not stick in the cache.
      page.catch(() => this.pages.delete(key));
    }
    return page;
  }

  /** Stops the renderer's workers, if one was made; a later page makes a new one. */
  async close(): Promise<void> {
    const renderer = this.renderer;
    this.renderer = null;
    if (renderer) await (await renderer.catch(() => null))?.close?.();
  }
}

/** A repository file's address in its web view, from `repo.url`; null when none is configured. */
export function repositoryHref(repoUrl: string | null, repositoryPath: string): string | null {
  return repoUrl ? repoUrl.replaceAll('{path}', repositoryPath.split('/').map(encodeURIComponent).join('/')) : null;
}
