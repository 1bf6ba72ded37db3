import { describe, expect, it } from 'vitest';
import { lookupDeclared } from '../../../src/lib/procedures/declared-variables.ts';
import { tokenizeShell } from '../../../src/lib/procedures/tokenize-shell.ts';

const vars = lookupDeclared({ RUNNER_IMAGE: 'skriptoteket-runner:latest', GREETING: 'hello world', EMPTY: '' });

function argvs(source: string): string[][] {
  const result = tokenizeShell(source, vars);
  if (!result.ok) throw new Error(`expected tokens, got: ${result.reason}`);
  return result.commands.map((command) => command.argv);
}

function reason(source: string): string {
  const result = tokenizeShell(source, vars);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.commands)}`);
  return result.reason;
}

describe('tokenizeShell: words, comments and commands', () => {
  it('splits on whitespace, newlines and ";" and keeps source lines', () => {
    const result = tokenizeShell('\n# build it\ndocker build .  # trailing comment\n\na b; c\n', vars);
    expect(result).toEqual({
      ok: true,
      commands: [
        { argv: ['docker', 'build', '.'], line: 3, endLine: 3 },
        { argv: ['a', 'b'], line: 5, endLine: 5 },
        { argv: ['c'], line: 5, endLine: 5 },
      ],
    });
  });

  it('joins backslash-newline continuations into one command spanning several lines', () => {
    const result = tokenizeShell('docker run \\\n  --rm \\\n  alpine:3.20 true\necho next', vars);
    expect(result).toEqual({
      ok: true,
      commands: [
        { argv: ['docker', 'run', '--rm', 'alpine:3.20', 'true'], line: 1, endLine: 3 },
        { argv: ['echo', 'next'], line: 4, endLine: 4 },
      ],
    });
  });

  it('treats # inside a word as literal and CRLF like LF', () => {
    expect(argvs('echo a#b\r\necho c')).toEqual([['echo', 'a#b'], ['echo', 'c']]);
  });
});

describe('tokenizeShell: quoting', () => {
  it('keeps single-quoted text literally, including $, \\ and "', () => {
    expect(argvs(`echo '$HOME \\n "x" | y'`)).toEqual([['echo', '$HOME \\n "x" | y']]);
  });

  it('handles double-quote escapes and keeps other backslashes', () => {
    expect(argvs('echo "a \\"b\\" \\\\ \\$HOME \\n"')).toEqual([['echo', 'a "b" \\ $HOME \\n']]);
  });

  it('concatenates adjacent quoted and unquoted parts into one word', () => {
    expect(argvs(`echo pre"mid"'end' a\\ b`)).toEqual([['echo', 'premidend', 'a b']]);
  });

  it('keeps empty quoted words but drops an unquoted empty expansion, like bash', () => {
    expect(argvs(`echo "" '' $EMPTY x`)).toEqual([['echo', '', '', 'x']]);
  });

  it('keeps operators and newlines literal inside quotes, counting lines', () => {
    const result = tokenizeShell('echo "a | b && c > d ~ *"\necho \'one\ntwo\'\necho end', vars);
    expect(result).toEqual({
      ok: true,
      commands: [
        { argv: ['echo', 'a | b && c > d ~ *'], line: 1, endLine: 1 },
        { argv: ['echo', 'one\ntwo'], line: 2, endLine: 3 },
        { argv: ['echo', 'end'], line: 4, endLine: 4 },
      ],
    });
  });

  it('keeps a lone $ literal', () => {
    expect(argvs('echo cost$ "$" "a $ b"')).toEqual([['echo', 'cost$', '$', 'a $ b']]);
  });

  it('refuses unterminated quotes with the line they opened on', () => {
    expect(reason("echo ok\necho 'oops")).toBe("line 2: unterminated single quote; close it with '");
    expect(reason('echo "one\ntwo')).toBe('line 1: unterminated double quote; close it with "');
  });
});

describe('tokenizeShell: variables', () => {
  it('substitutes $VAR and ${VAR} from declared variables only', () => {
    expect(argvs('docker run --rm ${RUNNER_IMAGE} "$GREETING" x${EMPTY}y')).toEqual([
      ['docker', 'run', '--rm', 'skriptoteket-runner:latest', 'hello world', 'xy'],
    ]);
  });

  it('refuses an undeclared variable, naming it and where to declare it', () => {
    expect(reason('echo ok\ndocker run --rm "${RUNNER_TAG}"')).toBe(
      'line 2: variable RUNNER_TAG (used as ${RUNNER_TAG}) is not declared; declare RUNNER_TAG under variables ' +
        "in the systems configuration (runbook-live never reads the server's environment)",
    );
  });

  it('refuses an unquoted expansion that a shell would split', () => {
    expect(reason('echo $GREETING')).toBe(
      'line 1: $GREETING is not quoted and its value "hello world" would be split or globbed by a shell; ' +
        'write "$GREETING" in double quotes',
    );
  });

  it('refuses parameter operators, special parameters and command substitution', () => {
    expect(reason('echo ${RUNNER_IMAGE:-alpine}')).toBe(
      'line 1: parameter operators like ${RUNNER_IMAGE:-alpine} need a shell; use plain ${RUNNER_IMAGE} and set ' +
        'its value in the systems configuration; runbook-live runs commands without one',
    );
    expect(reason('echo $1')).toContain('special parameter $1 needs a shell');
    expect(reason('echo "$(date)"')).toBe(
      'line 1: command substitution ($(...)) needs a shell; runbook-live runs commands without one',
    );
    expect(reason('echo $((1+2))')).toContain('arithmetic expansion');
    expect(reason('echo `date`')).toContain('command substitution (`...`) needs a shell');
    expect(reason("echo $'a\\n'")).toContain("ANSI-C quoting ($'...') needs a shell");
  });
});

describe('tokenizeShell: shell-only constructs', () => {
  it('refuses pipes with the exact line', () => {
    expect(reason('# list\necho ok\ndocker images | grep runner')).toBe(
      'line 3: pipes (|) need a shell; runbook-live runs commands without one',
    );
  });

  it.each([
    ['a && b', '&& (run-if-succeeded) needs a shell'],
    ['a || b', '|| (run-if-failed) needs a shell'],
    ['a > out.txt', 'redirections (>) need a shell'],
    ['a >> out.txt', 'redirections (>>) need a shell'],
    ['a 2>&1', 'redirections (>) need a shell'],
    ['a < in.txt', 'redirections (<) need a shell'],
    ['cat <<EOF', 'heredocs and here-strings (<<) need a shell'],
    ['a &', 'background jobs (&) need a shell'],
    ['ls *.md', 'globs (*) need a shell; quote the word for a literal *'],
    ['ls file?.md', 'globs (?) need a shell'],
    ['cd ~/apps', 'tilde expansion (~) needs a shell'],
    ['(cd x)', 'subshells and grouping with ( ) need a shell'],
    ['echo {a,b}', 'brace expansion and grouping ({) need a shell'],
    ['FOO=bar docker build .', 'environment assignments (FOO=...) need a shell'],
    ['FOO=bar', 'environment assignments (FOO=...) need a shell'],
    ['case x in a) ;; esac', 'subshells and grouping with ( ) need a shell'],
  ])('refuses %s', (source, expected) => {
    expect(reason(source)).toContain(expected);
  });

  it('refuses a "$ " prompt instead of silently stripping it', () => {
    expect(reason('$ docker build .')).toBe(
      'line 1: the command starts with a "$ " prompt; remove prompts so the block is exactly what runs',
    );
  });

  it('refuses a backslash followed by trailing spaces, which bash would not treat as a continuation', () => {
    expect(reason('docker run \\  \n  --rm alpine')).toBe(
      'line 1: "\\" is followed by trailing spaces, so a shell would not continue the line; remove the spaces after "\\"',
    );
  });

  it('allows "=" in later words and quoted assignments as command names', () => {
    expect(argvs('docker build --build-arg A=b .')).toEqual([['docker', 'build', '--build-arg', 'A=b', '.']]);
    expect(argvs('"FOO=bar" x')).toEqual([['FOO=bar', 'x']]);
  });

  it('refuses a stray ";" and a trailing backslash', () => {
    expect(reason('; echo')).toBe('line 1: ";" with no command before it is a shell syntax error; remove it');
    expect(reason('echo \\')).toBe('line 1: the block ends with a "\\" that continues onto nothing; remove it');
  });
});
