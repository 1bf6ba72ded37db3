import { parseMarkdown } from '../markdown/index.ts';
import GithubSlugger from 'github-slugger';
import { toString } from 'mdast-util-to-string';
import type { Heading, Paragraph, RootContent } from 'mdast';
import { visit } from 'unist-util-visit';
import type { DocRecord } from '../docs/index.ts';
import type { FailureKind } from '../runs/index.ts';

/** Failure kinds a troubleshooting section may say it covers. */
export const COVERABLE_KINDS: readonly FailureKind[] = [
  'docker_unreachable', 'image_not_found', 'build_failed', 'timeout', 'exit_nonzero', 'oom_killed', 'contract_violation',
];

/** One thing a section covers: a failure kind (optionally one assertion), or a message pattern. */
export type Coverage =
  | { kind: FailureKind; assertion: string | null }
  | { pattern: RegExp };

/** A subsection under a runbook's Troubleshooting heading. */
export interface TroubleshootingSection {
  docId: string;
  /** The heading's anchor on the doc page. */
  anchor: string;
  title: string;
  covers: Coverage[];
  /** Covers entries that could not be understood, for the health page. */
  problems: string[];
}

const cache = new WeakMap<DocRecord, TroubleshootingSection[]>();
const COVERS = /^\s*covers\s*:/i;
const MENTIONS_TROUBLESHOOTING = /troubleshooting/i;

/** Parsing for sections runs this long at most before other work gets a turn, in ms. */
const SLICE_MS = 10;

/**
 * Reads the sections under a doc's "Troubleshooting" heading and what each covers. A section
 * declares it in a line that reads naturally in plain markdown:
 *
 *     Covers: `docker_unreachable`, `/permission denied.*docker\.sock/`
 *     Covers: `contract_violation: saved settings reach the tool`
 */
export function troubleshootingSections(doc: DocRecord): TroubleshootingSection[] {
  let sections = cache.get(doc);
  if (sections) return sections;
  sections = [];
  // A full parse costs milliseconds a doc; one without the word has no such heading to find.
  if (!MENTIONS_TROUBLESHOOTING.test(doc.body)) {
    cache.set(doc, sections);
    return sections;
  }
  const tree = parseMarkdown(doc.body);
  // The page slugs every heading in document order, nested ones included; so must we.
  const slugger = new GithubSlugger();
  const slugs = new Map<Heading, string>();
  visit(tree, 'heading', (heading) => void slugs.set(heading, slugger.slug(toString(heading))));
  let troubleshootingDepth: number | null = null;
  let current: TroubleshootingSection | null = null;
  for (const node of tree.children) {
    if (node.type === 'heading') {
      const text = toString(node);
      const slug = slugs.get(node) ?? '';
      if (troubleshootingDepth !== null && node.depth <= troubleshootingDepth) troubleshootingDepth = null;
      if (troubleshootingDepth === null && /^troubleshooting$/i.test(text.trim())) {
        troubleshootingDepth = node.depth;
        current = null;
        continue;
      }
      if (troubleshootingDepth !== null && node.depth === troubleshootingDepth + 1) {
        current = { docId: doc.id, anchor: slug, title: text, covers: [], problems: [] };
        sections.push(current);
        continue;
      }
      if (troubleshootingDepth === null) current = null;
      continue;
    }
    if (current && isCoversParagraph(node)) readCovers(node, current);
  }
  cache.set(doc, sections);
  return sections;
}

/**
 * The troubleshooting sections of many docs, in their order. The first call after a change
 * parses every doc that has such a heading (milliseconds each, hundreds of docs in a team's
 * repository), so the work is cut into slices with a turn of the event loop between them:
 * requests keep being answered while the health page or a new incident waits for this.
 */
export async function troubleshootingSectionsOf(docs: readonly DocRecord[]): Promise<TroubleshootingSection[]> {
  const sections: TroubleshootingSection[] = [];
  let sliceStart = performance.now();
  for (const doc of docs) {
    if (!cache.has(doc) && performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    sections.push(...troubleshootingSections(doc));
  }
  return sections;
}

function isCoversParagraph(node: RootContent): node is Paragraph {
  return node.type === 'paragraph' && COVERS.test(toString(node));
}

function readCovers(paragraph: Paragraph, section: TroubleshootingSection): void {
  for (const child of paragraph.children) {
    if (child.type !== 'inlineCode') continue;
    const item = child.value.trim();
    if (item.startsWith('/') && item.lastIndexOf('/') > 0) {
      const last = item.lastIndexOf('/');
      try {
        // Stateful flags (g, y) would make test() remember where it stopped between failures.
        const flags = item.slice(last + 1).replace(/[gy]/g, '') || 'i';
        section.covers.push({ pattern: new RegExp(item.slice(1, last), flags) });
      } catch (error) {
        section.problems.push(`${section.docId}#${section.anchor}: ${item} is not a valid regular expression (${(error as Error).message})`);
      }
      continue;
    }
    const [kind = '', ...rest] = item.split(':');
    const assertion = rest.join(':').trim() || null;
    if ((COVERABLE_KINDS as readonly string[]).includes(kind.trim())) {
      section.covers.push({ kind: kind.trim() as FailureKind, assertion });
    } else {
      section.problems.push(`${section.docId}#${section.anchor}: covers \`${item}\`, which is not a failure kind (${COVERABLE_KINDS.join(', ')}) or a /pattern/`);
    }
  }
}

