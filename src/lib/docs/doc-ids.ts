import type { ResolvedDocType } from './load-contract.ts';

// Filename prefixes whose id prefix is not simply the upper-cased word.
const ID_PREFIX_ALIASES: Record<string, string> = { runbook: 'RUN', reference: 'REF' };

/**
 * The id a file name implies, if the type's id scheme has one:
 * `adr-0013-x.md` → `ADR-0013`, `runbook-x.md` → `RUN-x`, `ref-x.md` → `REF-x`,
 * `epic-07-y.md` → `EPIC-07`. Null when the candidate would not fit the type's `id_regex`,
 * which means the type names files some other way and implies nothing.
 */
export function idImpliedByFilename(fileName: string, type: ResolvedDocType): string | null {
  const match = /^([a-z]+)-(.+)\.md$/i.exec(fileName);
  if (!match) return null;
  const [, word = '', rest = ''] = match;
  const prefix = ID_PREFIX_ALIASES[word.toLowerCase()] ?? word.toUpperCase();
  const numbered = /^(\d+)(?:-|$)/.exec(rest);
  const candidates = numbered ? [`${prefix}-${numbered[1]}`, `${prefix}-${rest}`] : [`${prefix}-${rest}`];
  return candidates.find((candidate) => type.idRegex.test(candidate)) ?? null;
}

/** A stand-in id for a file whose frontmatter gives none, so the doc can still be shown and reported. */
export function fallbackId(relativePath: string): string {
  return relativePath.replace(/\.md$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** Ids are used in URLs: letters, digits, dot, dash and underscore only. */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && !id.includes('..');
}
