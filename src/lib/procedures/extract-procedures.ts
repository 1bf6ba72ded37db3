import { codeAndHeadings } from '../markdown/index.ts';
import GithubSlugger from 'github-slugger';
import { parseFenceInfo } from './parse-fence-info.ts';
import { blockIdentity, toBlockId, type BlockId } from './block-identity.ts';

/** A fenced code block of a doc, with its stable identity. Classification comes later. */
export interface FencedBlock {
  /** `${docId}/${name}`, or `${docId}/${headingSlug}-${n}` when unnamed. */
  id: BlockId;
  /** First 16 hex characters of the sha256 of the block's text. */
  hash: string;
  docId: string;
  /** Position among all the doc's fenced blocks, from 0; matches the renderer's order. */
  index: number;
  lang: string | null;
  annotations: Record<string, string | boolean>;
  source: string;
  /** Line in the doc's file where the fence starts. */
  line: number | null;
  /** The nearest heading above the block, with the anchor id the page gives it. */
  heading: { slug: string; text: string } | null;
  /** Why the block has no usable identity or annotations, when it has none. */
  problem: string | null;
}


/**
 * Lists a doc's fenced blocks in document order. Heading slugs come from the same slugger
 * the page uses for its anchors, so a block's id names the section a reader sees.
 */
export function extractFencedBlocks(docId: string, body: string, bodyStartLine = 1): FencedBlock[] {
  // Most docs have no fence at all; parsing them just to find none is most of a catalogue's cost.
  if (!/^\s*(```|~~~)/m.test(body)) return [];
  const slugger = new GithubSlugger();
  const blocks: FencedBlock[] = [];
  let heading: FencedBlock['heading'] = null;
  let underHeading = 0;
  for (const item of codeAndHeadings(body)) {
    if (item.kind === 'heading') {
      heading = { slug: slugger.slug(item.text), text: item.text };
      underHeading = 0;
      continue;
    }
    const info = parseFenceInfo([item.lang, item.meta].filter(Boolean).join(' '));
    const annotations = info.ok ? info.annotations : {};
    const identity = blockIdentity({ docId, name: annotations.name, headingSlug: heading?.slug, index: underHeading, source: item.value });
    underHeading += 1;
    const fallback = blockIdentity({ docId, headingSlug: heading?.slug, index: underHeading - 1, source: item.value });
    blocks.push({
      id: identity.ok ? identity.id : fallback.ok ? fallback.id : toBlockId(docId, `block-${blocks.length + 1}`),
      hash: identity.ok ? identity.hash : fallback.ok ? fallback.hash : '',
      docId,
      index: blocks.length,
      lang: info.lang,
      annotations,
      source: item.value,
      line: item.line !== null ? item.line + bodyStartLine - 1 : null,
      heading,
      problem: !info.ok ? info.error : identity.ok ? null : identity.error,
    });
  }
  return blocks;
}
