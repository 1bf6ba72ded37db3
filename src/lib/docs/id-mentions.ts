import type { ResolvedContract } from './load-contract.ts';

/** A doc id found in prose, with its offsets in the text. */
export interface IdMention {
  id: string;
  start: number;
  end: number;
}

/** Finds doc ids in a piece of text. */
export type IdMatcher = (text: string) => IdMention[];

/**
 * Builds a matcher for ids mentioned in prose: every known id, plus anything shaped like
 * a contract type's `id_regex` (so `ADR-0099` is found, and reported broken, even when no
 * such doc exists). Matches must stand alone: `XADR-0013` and `ADR-0013-b` are not mentions.
 */
export function buildIdMatcher(contract: ResolvedContract, knownIds: Iterable<string>): IdMatcher {
  const literal = [...knownIds].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const shaped = contract.types.map((type) => unanchored(type.idRegex.source)).filter((s) => s.length > 0);
  const alternatives = [...literal, ...shaped.map((s) => `(?:${s})`)];
  if (alternatives.length === 0) return () => [];
  const pattern = new RegExp(`(?<![\\w-])(?:${alternatives.join('|')})(?![\\w])`, 'g');
  return (text) => {
    const mentions: IdMention[] = [];
    for (const match of text.matchAll(pattern)) {
      // A trailing dash is sentence punctuation far more often than part of an id.
      const id = match[0].replace(/-+$/, '');
      if (/^[A-Z]+-$/.test(match[0]) || !/[A-Za-z0-9]-[A-Za-z0-9]/.test(id)) continue;
      mentions.push({ id, start: match.index, end: match.index + id.length });
    }
    return mentions;
  };
}

/** Strips `^`/`$` anchors so an id pattern can be searched for inside text. */
function unanchored(source: string): string {
  return source.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
