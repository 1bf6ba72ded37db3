import { describe, expect, it } from 'vitest';
import { describeNestingProblem, findNestingProblem, isParseableOnRequest, NESTING_LIMITS, parseMarkdown, PARSE_ON_REQUEST_LIMIT_BYTES } from '../../../src/lib/markdown/index.ts';

const nestedList = (depth: number) => Array.from({ length: depth }, (_, level) => `${'  '.repeat(level)}- item`).join('\n');

describe('nesting limits', () => {
  it('passes ordinary markdown, including thematic breaks, tables, intraword underscores and arithmetic', () => {
    const body = ['# Title', '', '> a quote', '> > nested once', '', nestedList(6), '', '***', '', '| a | b |', '|---|---|', '| 1 | 2 |', '', 'snake_case_name and 2 * 3 * 4, *em* and **strong**, [link](x.md)', '', '<details><summary>More</summary>', '', 'text', '', '</details>', '', '```', '>'.repeat(500), '```'].join('\n');
    expect(findNestingProblem(body)).toBeNull();
    expect(findNestingProblem('*'.repeat(200))).toBeNull(); // a thematic break
  });

  it('names block quotes nested past the limit, with the depth and the line', () => {
    const found = findNestingProblem(`# Deep\n\n${'>'.repeat(5_000)} x\n`);
    expect(found).toEqual({ kind: 'block quotes', depth: 5_000, limit: 100, line: 3 });
    expect(describeNestingProblem(found!)).toBe('it nests block quotes 5,000 deep; the limit is 100');
    expect(findNestingProblem(`${'> '.repeat(NESTING_LIMITS['block quotes'])}x`)).toBeNull();
  });

  it('names lists nested by indentation or by markers', () => {
    expect(findNestingProblem(nestedList(40))).toMatchObject({ kind: 'lists', limit: 32 });
    expect(findNestingProblem(`${'* '.repeat(1_000)}x`)).toMatchObject({ kind: 'lists', depth: 1_000 });
    expect(findNestingProblem(nestedList(16))).toBeNull();
  });

  it('names brackets, emphasis runs, nested emphasis and HTML tags', () => {
    expect(findNestingProblem(`${'['.repeat(20_000)}x${']'.repeat(20_000)}`)).toMatchObject({ kind: 'brackets', depth: 20_000, limit: 100 });
    expect(findNestingProblem(`${'*'.repeat(5_000)}x${'*'.repeat(5_000)}`)).toMatchObject({ kind: 'emphasis markers', depth: 5_000 });
    expect(findNestingProblem(`${'*a '.repeat(6_000)}x${' a*'.repeat(6_000)}`)).toMatchObject({ kind: 'emphasis', depth: 6_000 });
    expect(findNestingProblem('<div>'.repeat(5_000))).toMatchObject({ kind: 'HTML tags', depth: 101 });
    // Closed before the next opens: never deeper than one.
    expect(findNestingProblem('[a] '.repeat(5_000))).toBeNull();
    expect(findNestingProblem('*a* '.repeat(5_000))).toBeNull();
    expect(findNestingProblem('<p>x</p> <br> '.repeat(5_000))).toBeNull();
    // A blank line ends any inline nesting.
    expect(findNestingProblem('[x\n\n'.repeat(500))).toBeNull();
  });

  it('checks a 1 MiB body in a few milliseconds', () => {
    const body = 'Some *text* with `code`, a [link](x.md) and <b>bold</b>.\n\n> quote\n\n- item\n  - nested\n\n'.repeat(12_000);
    const started = performance.now();
    expect(findNestingProblem(body)).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('parsing on the request thread', () => {
  it('reads a hostile or oversized body as an empty tree instead of parsing it', () => {
    expect(parseMarkdown(`${'>'.repeat(5_000)} x`)).toEqual({ type: 'root', children: [] });
    expect(isParseableOnRequest('word '.repeat(PARSE_ON_REQUEST_LIMIT_BYTES / 5 + 1))).toBe(false);
    expect(isParseableOnRequest('# Title\n\nBody.\n')).toBe(true);
    expect(parseMarkdown('# Title\n').children[0]).toMatchObject({ type: 'heading' });
  });
});
