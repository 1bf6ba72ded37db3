import { describe, expect, it } from 'vitest';
import { formatAge, formatNextIn } from '../../../src/lib/shared/format-age.ts';

const MIN = 60_000;

describe('formatAge', () => {
  it('says how long ago, in the coarsest unit that fits', () => {
    expect([10_000, 5 * MIN, 2 * 60 * MIN, 3 * 24 * 60 * MIN].map(formatAge)).toEqual(['just now', '5 min ago', '2 h ago', '3 d ago']);
  });
});

describe('formatNextIn', () => {
  it('says how long until something is due, in the coarsest unit that fits', () => {
    expect([10_000, 4 * MIN, 57 * MIN, 6 * 60 * MIN, 2 * 24 * 60 * MIN].map(formatNextIn)).toEqual([
      'next in under a minute',
      'next in 4 min',
      'next in 57 min',
      'next in 6 h',
      'next in 2 d',
    ]);
  });

  it('says "due now" once the time has come or passed, and nothing for a time it cannot read', () => {
    expect(formatNextIn(0)).toBe('due now');
    expect(formatNextIn(-5_000)).toBe('due now');
    expect(formatNextIn(Number.NaN)).toBe('');
  });
});
