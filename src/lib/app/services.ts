import type { AppConfig } from '../config/load-config.ts';
import { DocsRepository } from '../docs/docs-repository.ts';
import { RenderedDocCache } from '../docs/rendered-doc-cache.ts';
import { createMarkdownRenderer } from '../markdown/render-markdown.ts';

/** The long-lived collaborators every route uses, built once per server. */
export interface Services {
  config: AppConfig;
  docs: DocsRepository;
  rendered: RenderedDocCache;
}

/** Builds the services for a configuration. */
export async function createServices(config: AppConfig): Promise<Services> {
  const renderer = await createMarkdownRenderer();
  return {
    config,
    docs: new DocsRepository(config.docsDir),
    rendered: new RenderedDocCache(renderer),
  };
}
