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
  /**
   * Why the body is not shown (too deep, too slow, too large), as a sentence for the page's
   * error box; null when it rendered. The rest of the page does not depend on the body.
   */
  problem: string | null;
}

/** A render that shows only why the body could not be shown. */
export function unrenderable(problem: string): RenderedDoc {
  return { html: '', segments: [], toc: [], problem };
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
  /** Stops what the renderer keeps running (worker threads), when it keeps anything. */
  close?(): Promise<void>;
}

/**
 * Builds the markdown pipeline in this thread: GFM, raw HTML sanitized, heading anchors,
 * highlighting, doc links. The server renders in a worker pool instead (render-pool.ts).
 */
export async function createMarkdownRenderer(): Promise<MarkdownRenderer> {
  const { createPipeline } = await import('./markdown-pipeline.ts');
  return createPipeline();
}
