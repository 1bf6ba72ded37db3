import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../src/lib/shared/format-duration.ts';

// The dashboard's Duration cell (CheckRowCells.astro and the live refresh in
// src/scripts/dashboard.ts) shows the last run's duration through formatDuration.
describe('the Duration cell text', () => {
  it('shows milliseconds, seconds with a decimal, and minutes with padded seconds', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2_345)).toBe('2.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
  });

  it('shows a dash for values that are not durations', () => {
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  // A regression test: this once went wrong.
  it('never shows a unit at its own limit after rounding', () => {
    expect(formatDuration(59_960)).toBe('1 min 00 s');
    expect(formatDuration(119_600)).toBe('2 min 00 s');
  });
});
