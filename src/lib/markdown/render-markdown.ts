import type { CodeBlockDecorator } from './code-blocks.ts';
import type { TocEntry } from './collect-headings.ts';
import type { Root as HastRoot } from 'hast';

/**
 * A part of a rendered body that starts at a top-level heading (or at the top). Pages that
 * show something under a heading place it between `headingHtml` and `bodyHtml`, so the
 * rendered HTML itself is never edited as a string.
 */
export interface RenderedSegment {
  /** The id of the heading this segment starts with; null for what comes before the first one. */
  headingId: string | null;
  headingHtml: string;
  bodyHtml: string;
}

/** A doc body turned into safe HTML, with what the page needs around it. */
export interface RenderedDoc {
  html: string;
  segments: RenderedSegment[];
  toc: TocEntry[];
}

/** Per-render inputs: what the caller does to the sanitized tree, and how to decorate code blocks. */
export interface RenderOptions {
  /**
   * Runs on the sanitized HTML tree before code blocks are decorated; the docs layer links
   * references here, so this pipeline needs to know nothing about docs.
   */
  transformTree?: (tree: HastRoot) => void;
  decorateCodeBlock?: CodeBlockDecorator;
}

/** Renders markdown bodies; built once, because loading the highlighter's grammars is slow. */
export interface MarkdownRenderer {
  render(markdown: string, options: RenderOptions): Promise<RenderedDoc>;
}

/** Builds the markdown pipeline: GFM, raw HTML sanitized, heading anchors, highlighting, doc links. */
export async function createMarkdownRenderer(): Promise<MarkdownRenderer> {
  const { createPipeline } = await import('./markdown-pipeline.ts');
  return createPipeline();
}
