import type { DocSet } from './doc-set.ts';

/** Which docs' pages a change between two reads of the folder may have altered. */
export type DocSetChanges = { kind: 'none' } | { kind: 'some'; ids: Set<string> } | { kind: 'all' };

/**
 * The docs whose pages may differ between two reads of the folder: every doc whose record
 * changed, appeared or disappeared, the docs linking to it (their link text, broken-link marks
 * and citations change) and the docs it links to (their backlinks list it), in both reads.
 * The repository keeps the record of an unchanged file, so identity is the test. A changed
 * contract or another folder changes everything.
 */
export function docSetChanges(previous: DocSet | null, next: DocSet): DocSetChanges {
  if (previous === next) return { kind: 'none' };
  if (previous === null || previous.docsDir !== next.docsDir || contractKey(previous) !== contractKey(next)) return { kind: 'all' };
  const changed = new Set<string>();
  for (const id of new Set([...previous.byId.keys(), ...next.byId.keys()])) {
    if (previous.byId.get(id) !== next.byId.get(id)) changed.add(id);
  }
  const affected = new Set(changed);
  for (const set of [previous, next]) {
    for (const id of changed) {
      for (const source of set.graph.backlinks.get(id) ?? []) affected.add(source);
      for (const link of set.graph.outgoing.get(id) ?? []) affected.add(link.id);
    }
  }
  return affected.size === 0 ? { kind: 'none' } : { kind: 'some', ids: affected };
}

function contractKey(set: DocSet): string {
  return JSON.stringify(set.contract, (_key, value: unknown) => (value instanceof RegExp ? value.source : value));
}
