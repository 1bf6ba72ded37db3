import { describe, expect, it } from 'vitest';
import { type FlagTable, flagLabel, parseFlags } from '../../../src/lib/procedures/parse-flags.ts';

const table: FlagTable = {
  command: 'demo',
  interspersed: true,
  flags: [
    { name: 'tag', short: 't', takesValue: true },
    { name: 'quiet', short: 'q', takesValue: false },
    { name: 'network', aliases: ['net'], takesValue: true },
  ],
  refused: [{ name: 'interactive', short: 'i', reason: 'needs a terminal' }],
};

describe('parseFlags', () => {
  it('accepts --flag value, --flag=value, -f value, -fvalue and -f=value', () => {
    const parsed = parseFlags(['--tag', 'a', '--tag=b', '-t', 'c', '-td', '-t=e', 'ctx'], table);
    expect(parsed).toEqual({
      ok: true,
      value: { values: { tag: ['a', 'b', 'c', 'd', 'e'] }, switches: { quiet: false }, positionals: ['ctx'] },
    });
  });

  it('handles clustered switches ending in a value flag, aliases, and boolean values', () => {
    const parsed = parseFlags(['-qt', 'x', '--net', 'none', '--quiet=false'], table);
    expect(parsed).toEqual({
      ok: true,
      value: { values: { tag: ['x'], network: ['none'] }, switches: { quiet: false }, positionals: [] },
    });
  });

  it('stops at the first positional when not interspersed, and at --', () => {
    const notInterspersed = parseFlags(['-q', 'image', '-t', 'x'], { ...table, interspersed: false });
    expect(notInterspersed.ok && notInterspersed.value.positionals).toEqual(['image', '-t', 'x']);
    const dashDash = parseFlags(['--', '-q'], table);
    expect(dashDash.ok && dashDash.value).toEqual({ values: {}, switches: { quiet: false }, positionals: ['-q'] });
  });

  it('names unknown flags and lists the supported ones', () => {
    expect(parseFlags(['--gpus', 'all'], table)).toEqual({
      ok: false,
      reason: 'unsupported flag --gpus for demo; runbook-live supports: -t/--tag, -q/--quiet, --network/--net',
    });
    expect(parseFlags(['-qx'], table)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported flag -x for demo/) });
  });

  it('gives the reason for refused flags, also inside a cluster', () => {
    expect(parseFlags(['-qi'], table)).toEqual({ ok: false, reason: 'demo -i/--interactive: needs a terminal' });
  });

  it('reports a missing value and a bad boolean', () => {
    expect(parseFlags(['--tag'], table)).toEqual({ ok: false, reason: 'flag --tag for demo needs a value' });
    expect(parseFlags(['--quiet=maybe'], table)).toEqual({
      ok: false,
      reason: 'flag --quiet for demo takes true or false, not "maybe"',
    });
  });

  it('formats labels', () => {
    expect(flagLabel({ name: 'env', short: 'e' })).toBe('-e/--env');
    expect(flagLabel({ name: 'network', aliases: ['net'] })).toBe('--network/--net');
  });
});
