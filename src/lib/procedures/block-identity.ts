import { createHash } from 'node:crypto';

// Ids must survive edits elsewhere in the document (so run history stays attached), and
// the hash must change whenever the block's text does (so stale results are never shown
// as current). Named blocks keep their id even when moved to another section.

/** Allowed block names (the `name=` fence attribute); they become part of URLs. */
export const BLOCK_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** Where a block sits in its document, plus its exact text. */
export type BlockLocation = {
  docId: string;
  /** The `name` fence attribute, when given (a bare `name` attribute arrives as true). */
  name?: string | boolean | undefined;
  /** Slug of the nearest preceding heading; absent or empty before the first heading. */
  headingSlug?: string | undefined;
  /** 0-based position among the blocks under that heading; the id uses it 1-based. */
  index: number;
  source: string;
};

/**
 * A block's stable id, `<doc id>/<name>` or `<doc id>/<heading>-<n>`. Branded, so only ids
 * made here (or read back with `asBlockId`) are taken for one; `blockIdParts` splits it.
 */
export type BlockId = string & { readonly __brand: 'BlockId' };

/** A block's stable id and the hash of its exact text, or why no id can be given. */
export type BlockIdentity = { ok: true; id: BlockId; hash: string } | { ok: false; error: string };

/** Joins a doc id and a block's local name into its id. */
export function toBlockId(docId: string, local: string): BlockId {
  return `${docId}/${local}` as BlockId;
}

/** First 16 hex characters of the sha256 of a block's exact text. */
export function hashBlockSource(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex').slice(0, 16);
}

/** Computes `${docId}/${name}` or `${docId}/${headingSlug || 'top'}-${index + 1}`, and the source hash. */
export function blockIdentity(block: BlockLocation): BlockIdentity {
  if (block.docId === '') return { ok: false, error: 'block identity needs a non-empty docId (the document\'s id)' };
  if (!Number.isInteger(block.index) || block.index < 0) {
    return { ok: false, error: `block index ${block.index} is not valid; expected a 0-based integer position under its heading` };
  }
  const hash = hashBlockSource(block.source);
  const { name } = block;
  if (name === undefined) {
    return { ok: true, id: toBlockId(block.docId, `${block.headingSlug || 'top'}-${block.index + 1}`), hash };
  }
  if (typeof name === 'boolean') {
    return { ok: false, error: `block name attribute in ${block.docId} has no value; write it as name=build-runner` };
  }
  if (!BLOCK_NAME.test(name)) {
    return {
      ok: false,
      error:
        `block name ${JSON.stringify(name)} in ${block.docId} is not valid; use letters, digits, ".", "_" or "-", ` +
        'starting with a letter or digit, e.g. name=build-runner',
    };
  }
  return { ok: true, id: toBlockId(block.docId, name), hash };
}

/** A block id's two parts: the doc it is in, and its name (or heading and position) within that doc. */
export function blockIdParts(id: BlockId | string): { docId: string; local: string } {
  const slash = id.indexOf('/');
  return slash < 0 ? { docId: id, local: '' } : { docId: id.slice(0, slash), local: id.slice(slash + 1) };
}

/** The element id a block gets on its doc page. */
export function blockAnchor(id: string): string {
  return `block-${blockIdParts(id).local}`;
}
