import { needsShell } from '../shared/index.ts';

// Characters that mean something to a shell when unquoted. Each gets its own message so
// the author learns which construct to remove, not just that "something" is wrong.

/** Characters that end an unquoted word and need a shell to interpret. */
const OPERATOR_CHARS = new Set(['|', '&', '<', '>', '(', ')', '`']);

/** Characters that are literal in a shell only when quoted; unquoted they expand. */
const EXPANDING_CHARS = new Set(['*', '?', '[', '{', '}', '~', '!']);

/**
 * Reason an unquoted character at `source[index]` needs a shell, or null when it is
 * ordinary. `;`, `#`, `$`, quotes, backslashes and whitespace are handled by the tokeniser.
 */
export function unquotedOperatorReason(source: string, index: number): string | null {
  const char = source[index] ?? '';
  if (!OPERATOR_CHARS.has(char) && !EXPANDING_CHARS.has(char)) return null;
  const next = source[index + 1] ?? '';
  switch (char) {
    case '|':
      return next === '|' ? needsShell('|| (run-if-failed) needs a shell') : needsShell('pipes (|) need a shell');
    case '&':
      if (next === '&') return needsShell('&& (run-if-succeeded) needs a shell');
      if (next === '>') return needsShell('redirections (&>) need a shell');
      return needsShell('background jobs (&) need a shell');
    case '>':
      return needsShell(`redirections (${next === '>' ? '>>' : '>'}) need a shell`);
    case '<':
      if (next === '<') return needsShell('heredocs and here-strings (<<) need a shell');
      if (next === '(') return needsShell('process substitution (<(...)) needs a shell');
      return needsShell('redirections (<) need a shell');
    case '(':
    case ')':
      return needsShell('subshells and grouping with ( ) need a shell');
    case '`':
      return needsShell('command substitution (`...`) needs a shell');
    case '{':
    case '}':
      return needsShell(`brace expansion and grouping (${char}) need a shell; quote it for a literal ${char}`);
    case '~':
      return needsShell('tilde expansion (~) needs a shell; write the full path, or quote it for a literal ~');
    case '!':
      return needsShell('negation and history expansion (!) need a shell; quote it for a literal !');
    default:
      return needsShell(`globs (${char}) need a shell; quote the word for a literal ${char}`);
  }
}

/** True for a first word like FOO=bar, which a shell treats as an environment assignment. */
export function isAssignmentWord(rawWord: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(rawWord);
}

/** Reason for an environment assignment at the start of a command (FOO=bar cmd, or FOO=bar alone). */
export function assignmentReason(rawWord: string): string {
  const name = rawWord.slice(0, rawWord.indexOf('='));
  return needsShell(
    `environment assignments (${name}=...) need a shell; pass values to containers with ` +
      `docker run -e ${name}=..., or declare ${name} in the systems configuration`,
  );
}

/** True when an unquoted expansion's value would be split into words or globbed by a shell. */
export function wouldSplitOrGlob(value: string): boolean {
  return /[\s*?[]/.test(value);
}
