import { describe, expect, it } from 'vitest';
import { parseNanoCpus, parsePidsLimit } from '../../../src/lib/procedures/parse-resource-limits.ts';
import { parseMemoryBytes } from '../../../src/lib/shared/memory-size.ts';

describe('parseMemoryBytes', () => {
  it.each([
    ['256m', 268435456],
    ['1g', 1073741824],
    ['512k', 524288],
    ['1048576', 1048576],
    ['64MB', 67108864],
    ['1.5g', 1610612736],
    ['2GiB', 2147483648],
    ['100b', 100],
  ])('parses %s as %d bytes', (raw, bytes) => {
    expect(parseMemoryBytes(raw)).toEqual({ ok: true, value: bytes });
  });

  it('refuses sizes docker would reject', () => {
    expect(parseMemoryBytes('lots')).toEqual({
      ok: false,
      reason: 'memory size "lots" is not valid; expected a number with an optional unit b, k, m, g or t, e.g. 256m or 1g',
    });
    expect(parseMemoryBytes('-1m').ok).toBe(false);
    expect(parseMemoryBytes('0').ok).toBe(false);
    expect(parseMemoryBytes('99999999p').ok).toBe(false);
  });
});

describe('parseNanoCpus', () => {
  it.each([
    ['1.5', 1_500_000_000],
    ['2', 2_000_000_000],
    ['0.25', 250_000_000],
    ['0.000000001', 1],
  ])('parses %s', (raw, nano) => {
    expect(parseNanoCpus(raw)).toEqual({ ok: true, value: nano });
  });

  it('refuses values docker would reject', () => {
    expect(parseNanoCpus('0.0000000001')).toEqual({
      ok: false,
      reason: 'CPU count "0.0000000001" is too precise; use at most 9 decimal places',
    });
    expect(parseNanoCpus('one')).toEqual({
      ok: false,
      reason: 'CPU count "one" is not valid; expected a decimal number such as 0.5 or 2',
    });
    expect(parseNanoCpus('0').ok).toBe(false);
    expect(parseNanoCpus('-1').ok).toBe(false);
  });
});

describe('parsePidsLimit', () => {
  it('accepts -1, 0 and positive integers', () => {
    expect(parsePidsLimit('128')).toEqual({ ok: true, value: 128 });
    expect(parsePidsLimit('-1')).toEqual({ ok: true, value: -1 });
  });

  it('refuses non-integers and values below -1', () => {
    expect(parsePidsLimit('1.5')).toEqual({
      ok: false,
      reason: 'pids limit "1.5" is not an integer; expected e.g. 128 (or -1 for unlimited)',
    });
    expect(parsePidsLimit('-2').ok).toBe(false);
  });
});
