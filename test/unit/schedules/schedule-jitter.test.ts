import { describe, expect, it } from 'vitest';
import { scheduleJitter, startupDelay } from '../../../src/lib/schedules/schedule-jitter.ts';

describe('scheduleJitter', () => {
  it('moves a later run by up to ±10% of the interval: random 0 is earliest, 0.5 the slot, 1 latest', () => {
    expect([0, 0.25, 0.5, 0.75, 1].map((r) => scheduleJitter(300, r))).toEqual([-30_000, -15_000, 0, 15_000, 30_000]);
  });

  it('never moves a run by more than a minute, however long the interval', () => {
    expect(scheduleJitter(6 * 3600, 0)).toBe(-60_000);
    expect(scheduleJitter(6 * 3600, 1)).toBe(60_000);
  });
});

describe('startupDelay', () => {
  it('picks a point in [0, window) from random 0..1', () => {
    expect([0, 0.5, 0.999].map((r) => startupDelay(30, r))).toEqual([0, 15_000, 29_970]);
  });

  it('stays inside the window even when random returns exactly 1', () => {
    expect(startupDelay(30, 1)).toBe(29_999);
    expect(startupDelay(2, 1)).toBe(1_999);
  });

  it('is 0 for a window of 0 s: every schedule runs on the first tick', () => {
    expect([0, 0.5, 1].map((r) => startupDelay(0, r))).toEqual([0, 0, 0]);
  });
});
