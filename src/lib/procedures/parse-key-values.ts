import { type VariableLookup, undeclaredVariableReason } from './declared-variables.ts';
import { type Outcome, accept, refuse, show } from '../shared/index.ts';

/** What a bare `KEY` (no `=`) means for a flag: an empty value (labels) or a declared variable (-e, --build-arg). */
export type BareKeyMeaning = 'empty' | 'variable';

/**
 * Parses repeated KEY=VALUE flag values (e.g. every `-e`) into a record; later keys win,
 * as in docker. `flag` is how the flag is named in messages, e.g. "-e/--env".
 */
export function parseKeyValues(
  values: readonly string[],
  flag: string,
  bareKey: BareKeyMeaning,
  lookup: VariableLookup,
): Outcome<Record<string, string>> {
  // A Map then fromEntries, so a key like "__proto__" becomes data, not a prototype.
  const entries = new Map<string, string>();
  for (const raw of values) {
    const eq = raw.indexOf('=');
    const key = eq === -1 ? raw : raw.slice(0, eq);
    if (key === '' || /\s/.test(key)) {
      return refuse(`${flag} ${show(raw)} has no valid key; expected KEY=VALUE with a non-empty key without spaces`);
    }
    if (eq !== -1) {
      entries.set(key, raw.slice(eq + 1));
    } else if (bareKey === 'empty') {
      entries.set(key, '');
    } else {
      // docker would copy KEY from the client's environment; ours is the declared variables.
      const value = lookup(key);
      if (value === undefined) return refuse(undeclaredVariableReason(key, `passed as ${flag} ${key}`));
      entries.set(key, value);
    }
  }
  return accept(Object.fromEntries(entries));
}
