import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../../src/lib/http/index.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SlidingWindowLimiter', () => {
  it('lets `limit` takes through in a window, then says exactly when the oldest leaves it', () => {
    const time = clock();
    const limiter = new SlidingWindowLimiter({ limit: 3, windowMs: 60_000, now: time.now });
    expect(limiter.take('ann').ok).toBe(true);
    time.advance(10_000);
    expect(limiter.take('ann').ok).toBe(true);
    expect(limiter.take('ann').ok).toBe(true);
    time.advance(5_500);
    expect(limiter.take('ann')).toEqual({ ok: false, retryAfterSeconds: 45, limit: 3, windowSeconds: 60 });
    time.advance(44_500);
    expect(limiter.take('ann').ok).toBe(true);
    expect(limiter.take('ann').ok).toBe(false);
  });

  it('keeps actors apart', () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 60_000, now: clock().now });
    expect(limiter.take('ann').ok).toBe(true);
    expect(limiter.take('bob').ok).toBe(true);
    expect(limiter.take('ann').ok).toBe(false);
  });

  it('is a sliding window: no burst of twice the limit across a minute boundary', () => {
    const time = clock(59_000);
    const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 60_000, now: time.now });
    expect([limiter.take('a').ok, limiter.take('a').ok]).toEqual([true, true]);
    time.advance(2_000);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('gives a released slot back, once', () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 60_000, now: clock().now });
    const slot = limiter.take('ann');
    if (!slot.ok) throw new Error('expected a slot');
    slot.release();
    slot.release();
    const again = limiter.take('ann');
    expect(again.ok).toBe(true);
    expect(limiter.take('ann').ok).toBe(false);
  });

  it('never asks for less than a second', () => {
    const time = clock();
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 60_000, now: time.now });
    limiter.take('ann');
    time.advance(59_999);
    expect(limiter.take('ann')).toMatchObject({ ok: false, retryAfterSeconds: 1 });
  });
});
