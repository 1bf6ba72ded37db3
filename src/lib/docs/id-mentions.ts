import type { ResolvedContract } from './load-contract.ts';

/** A doc id found in prose, with its offsets in the text. */
export interface IdMention {
  id: string;
  start: number;
  end: number;
}

/** Finds doc ids in a piece of text. */
export type IdMatcher = (text: string) => IdMention[];

// Candidate words: letters, digits, '.', '_' and '-', not glued to a word or a dash before them.
const WORD = /(?<![\w-])[A-Za-z0-9][\w.-]*/g;
// Every id worth linking has a dash between two letters or digits (ADR-0013, RUN-runner-image).
const HAS_INNER_DASH = /[A-Za-z0-9]-[A-Za-z0-9]/;
// The same words, but only those with an inner dash: when no known id lacks one, the regex
// engine skips the plain words itself instead of handing every word of the prose back.
const DASHED_WORD = /(?<![\w-])[A-Za-z0-9](?:[\w.-]*?[A-Za-z0-9])?-[A-Za-z0-9][\w.-]*/g;

/**
 * Builds a matcher for ids mentioned in prose: every known id, plus any word shaped like a
 * contract type's `id_regex` (so `ADR-0099` is found, and reported broken, even when no such
 * doc exists). A mention stands alone: `XADR-0013` and `ADR-00131` are not mentions of
 * ADR-0013. Each word is looked up in a set and tried against the few type patterns, which
 * stays fast with thousands of ids where one alternation of every id did not.
 */
export function buildIdMatcher(contract: ResolvedContract, knownIds: Iterable<string>): IdMatcher {
  const known = new Set(knownIds);
  const shapes = contract.types.map((type) => new RegExp(`^(?:${unanchored(type.idRegex.source)})$`, type.idRegex.flags.replace(/[gy]/g, '')));
  const isId = (word: string) => known.has(word) || (HAS_INNER_DASH.test(word) && shapes.some((shape) => shape.test(word)));
  const words = [...known].every((id) => HAS_INNER_DASH.test(id)) ? DASHED_WORD : WORD;
  return (text) => {
    const mentions: IdMention[] = [];
    for (const match of text.matchAll(words)) {
      const word = match[0];
      // Trailing dots, dashes and underscores are sentence punctuation far more often than part of an id.
      const id = word.replace(/[.\-_]+$/, '');
      if (!HAS_INNER_DASH.test(id) && !known.has(id)) continue;
      if (isId(id)) mentions.push({ id, start: match.index, end: match.index + id.length });
    }
    return mentions;
  };
}

/** Strips `^`/`$` anchors so an id pattern can be anchored to a whole word. */
function unanchored(source: string): string {
  return source.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
}
