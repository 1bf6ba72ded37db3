import { type VariableLookup, undeclaredVariableReason } from './declared-variables.ts';
import { needsShell, show } from '../shared/index.ts';
import { readParameter } from './read-parameter.ts';
import {
  assignmentReason,
  isAssignmentWord,
  unquotedOperatorReason,
  wouldSplitOrGlob,
} from './shell-operators.ts';

// Splits a bash/sh block into argv lists the way bash would, but only for the subset we
// can reproduce exactly. Anything beyond that subset refuses the whole block: running a
// near-miss of what the runbook says is worse than not running it.

/** One command of a block: its argv after quote removal and variable substitution. */
export type ShellCommand = {
  argv: string[];
  /** 1-based line of the block where the command starts. */
  line: number;
  /** 1-based line where it ends (differs after `\` continuations or multi-line quotes). */
  endLine: number;
};

/** Commands of a block, or the first reason (prefixed with "line N: ") it needs a shell. */
export type TokenizeResult = { ok: true; commands: ShellCommand[] } | { ok: false; reason: string };

type Word = { text: string; quoted: boolean; rawStart: number };

/** Tokenises `source` into commands, substituting variables only through `lookup`. */
export function tokenizeShell(source: string, lookup: VariableLookup): TokenizeResult {
  const src = source.replace(/\r\n?/g, '\n');
  const commands: ShellCommand[] = [];
  let current: ShellCommand | null = null;
  let word: Word | null = null;
  let line = 1;
  let i = 0;

  const fail = (reason: string, at = line): TokenizeResult => ({ ok: false, reason: `line ${at}: ${reason}` });
  const startWord = (): Word => {
    if (word === null) {
      word = { text: '', quoted: false, rawStart: i };
      current ??= { argv: [], line, endLine: line };
    }
    return word;
  };
  // Returns a refusal reason when the finished word can't be handled.
  const endWord = (): string | null => {
    if (word === null || current === null) return null;
    const raw = src.slice(word.rawStart, i);
    if (current.argv.length === 0 && isAssignmentWord(raw)) return assignmentReason(raw);
    // bash drops an unquoted word that expanded to nothing ($EMPTY alone).
    if (word.text !== '' || word.quoted) current.argv.push(word.text);
    current.endLine = line;
    word = null;
    return null;
  };
  const endCommand = (): void => {
    if (current !== null && current.argv.length > 0) commands.push(current);
    current = null;
  };
  // Expands a parameter at src[i]; returns a refusal reason or null.
  const expand = (target: Word, inDoubleQuotes: boolean): string | null => {
    const token = readParameter(src, i, inDoubleQuotes);
    if (token.kind === 'refused') return token.reason;
    if (token.kind === 'literal') {
      const atCommandStart = !inDoubleQuotes && target.text === '' && (current?.argv.length ?? 0) === 0;
      if (atCommandStart && /[ \t]/.test(src[i + 1] ?? '')) {
        return 'the command starts with a "$ " prompt; remove prompts so the block is exactly what runs';
      }
      target.text += '$';
      i = token.end;
      return null;
    }
    const value = lookup(token.name);
    if (value === undefined) return undeclaredVariableReason(token.name, `used as ${token.written}`);
    if (!inDoubleQuotes && wouldSplitOrGlob(value)) {
      return (
        `${token.written} is not quoted and its value ${show(value)} would be split or globbed by a shell; ` +
        `write "${token.written}" in double quotes`
      );
    }
    target.text += value;
    i = token.end;
    return null;
  };

  while (i < src.length) {
    const char = src[i] ?? '';
    if (char === '\n' || char === ' ' || char === '\t') {
      const refused = endWord();
      if (refused !== null) return fail(refused);
      if (char === '\n') {
        endCommand();
        line += 1;
      }
      i += 1;
    } else if (char === '#' && word === null) {
      while (i < src.length && src[i] !== '\n') i += 1;
    } else if (char === ';') {
      if (src[i + 1] === ';') return fail(needsShell('case terminators (;;) need a shell'));
      const refused = endWord();
      if (refused !== null) return fail(refused);
      if (current === null) return fail('";" with no command before it is a shell syntax error; remove it');
      endCommand();
      i += 1;
    } else if (char === '\\') {
      const next = src[i + 1];
      if (next === '\n') {
        line += 1;
        i += 2;
      } else if (next === undefined) {
        return fail('the block ends with a "\\" that continues onto nothing; remove it');
      } else if (/^[ \t]+$/.test(restOfLine(src, i + 1))) {
        // bash would escape the space instead and end the command: a classic silent bug.
        return fail('"\\" is followed by trailing spaces, so a shell would not continue the line; remove the spaces after "\\"');
      } else {
        const target = startWord();
        target.text += next;
        target.quoted = true;
        i += 2;
      }
    } else if (char === "'") {
      const target = startWord();
      const close = src.indexOf("'", i + 1);
      if (close === -1) return fail("unterminated single quote; close it with '");
      const text = src.slice(i + 1, close);
      target.text += text;
      target.quoted = true;
      line += countNewlines(text);
      i = close + 1;
    } else if (char === '"') {
      const target = startWord();
      target.quoted = true;
      const openedOn = line;
      i += 1;
      for (;;) {
        const inner = src[i];
        if (inner === undefined) return fail('unterminated double quote; close it with "', openedOn);
        if (inner === '"') {
          i += 1;
          break;
        }
        if (inner === '\\') {
          const escaped = src[i + 1] ?? '';
          if (escaped === '\n') {
            line += 1;
          } else if (escaped === '"' || escaped === '\\' || escaped === '$' || escaped === '`') {
            target.text += escaped;
          } else {
            // Inside double quotes bash keeps other backslashes literally ("\n" stays \n).
            target.text += '\\';
            i += 1;
            continue;
          }
          i += 2;
        } else if (inner === '$') {
          const refused = expand(target, true);
          if (refused !== null) return fail(refused);
        } else if (inner === '`') {
          return fail(needsShell('command substitution (`...`) needs a shell'));
        } else {
          if (inner === '\n') line += 1;
          target.text += inner;
          i += 1;
        }
      }
    } else if (char === '$') {
      const refused = expand(startWord(), false);
      if (refused !== null) return fail(refused);
    } else {
      const refused = unquotedOperatorReason(src, i);
      if (refused !== null) return fail(refused);
      startWord().text += char;
      i += 1;
    }
  }
  const refused = endWord();
  if (refused !== null) return fail(refused);
  endCommand();
  return { ok: true, commands };
}

function restOfLine(src: string, from: number): string {
  const end = src.indexOf('\n', from);
  return src.slice(from, end === -1 ? src.length : end);
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count += 1;
  return count;
}
