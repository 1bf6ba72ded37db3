import { needsShell } from '../shared/index.ts';
import { VARIABLE_NAME } from '../systems/index.ts';

// Only plain $NAME and ${NAME} can be substituted faithfully from declared variables.
// Every other $-form depends on shell state (positional args, exit codes, defaults).

/** What a `$` at some position in the source turned out to be. */
export type ParameterToken =
  | { kind: 'variable'; name: string; written: string; end: number }
  | { kind: 'literal'; end: number }
  | { kind: 'refused'; reason: string };

/**
 * Reads the parameter expansion starting at `source[start]` (which must be `$`).
 * `end` is the index just past what was consumed. A `$` followed by nothing
 * expandable stays a literal dollar sign, as in bash.
 */
export function readParameter(source: string, start: number, inDoubleQuotes: boolean): ParameterToken {
  const next = source[start + 1] ?? '';
  if (next === '{') return readBraced(source, start);
  if (next === '(') {
    const what = source[start + 2] === '(' ? 'arithmetic expansion ($((...))) needs' : 'command substitution ($(...)) needs';
    return { kind: 'refused', reason: needsShell(`${what} a shell`) };
  }
  if (/[A-Za-z_]/.test(next)) {
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(start + 1))?.[0] ?? next;
    return { kind: 'variable', name, written: `$${name}`, end: start + 1 + name.length };
  }
  if (/[0-9@*#?$!-]/.test(next)) {
    return {
      kind: 'refused',
      reason: needsShell(`special parameter $${next} needs a shell; use a declared variable such as $IMAGE instead`),
    };
  }
  if (!inDoubleQuotes && next === "'") {
    return { kind: 'refused', reason: needsShell("ANSI-C quoting ($'...') needs a shell; use plain single quotes") };
  }
  if (!inDoubleQuotes && next === '"') {
    return { kind: 'refused', reason: needsShell('locale quoting ($"...") needs a shell; use plain double quotes') };
  }
  return { kind: 'literal', end: start + 1 };
}

function readBraced(source: string, start: number): ParameterToken {
  const close = source.indexOf('}', start + 2);
  if (close === -1) {
    return { kind: 'refused', reason: 'unterminated ${ (no closing }); close it as ${NAME}' };
  }
  const inner = source.slice(start + 2, close);
  const written = source.slice(start, close + 1);
  if (VARIABLE_NAME.test(inner)) return { kind: 'variable', name: inner, written, end: close + 1 };
  if (inner === '') return { kind: 'refused', reason: 'empty ${} is a bad substitution; write ${NAME}' };
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(inner)?.[0];
  if (name !== undefined) {
    return {
      kind: 'refused',
      reason: needsShell(
        `parameter operators like ${written} need a shell; use plain \${${name}} and set its value ` +
          `in the systems configuration`,
      ),
    };
  }
  return {
    kind: 'refused',
    reason: needsShell(`${written} needs a shell; only plain \${NAME} of a declared variable is substituted`),
  };
}
