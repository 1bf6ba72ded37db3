import { describe, expect, it } from 'vitest';
import { afterAttempt, leaseUntil, retryDelayMs, type RetryPolicy } from '../../../src/lib/incidents/index.ts';

const POLICY: RetryPolicy = { maxAttempts: 4, backoffSeconds: 30, maxBackoffSeconds: 100, timeoutSeconds: 10 };
const NOW = Date.parse('2026-11-26T10:00:00.000Z');

describe('webhook retries', () => {
  it('waits the first backoff after one failure, doubling after each later one, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 30].map((attempts) => retryDelayMs(attempts, POLICY))).toEqual([30_000, 60_000, 100_000, 100_000, 100_000, 100_000]);
    expect([1, 2, 3].map((attempts) => retryDelayMs(attempts, { ...POLICY, backoffSeconds: 0.05, maxBackoffSeconds: 3600 }))).toEqual([50, 100, 200]);
  });

  it('a 2xx delivers, for good', () => {
    expect(afterAttempt(3, { ok: true, status: 204 }, POLICY, NOW)).toEqual({ status: 'delivered', nextAttemptAt: null, lastStatus: 204, lastError: null, deliveredAt: '2026-11-26T10:00:00.000Z' });
  });

  it('a failure schedules the next attempt after the backoff, and the last allowed one gives up', () => {
    expect(afterAttempt(2, { ok: false, status: 500, error: 'answered 500: boom' }, POLICY, NOW)).toEqual({
      status: 'pending',
      nextAttemptAt: '2026-11-26T10:01:00.000Z',
      lastStatus: 500,
      lastError: 'answered 500: boom',
      deliveredAt: null,
    });
    expect(afterAttempt(4, { ok: false, status: null, error: 'could not be reached: ECONNREFUSED' }, POLICY, NOW)).toEqual({
      status: 'failed',
      nextAttemptAt: null,
      lastStatus: null,
      lastError: 'could not be reached: ECONNREFUSED',
      deliveredAt: null,
    });
  });

  it('leases a claimed attempt for its time-out plus the wait a failure would get', () => {
    expect(leaseUntil(1, POLICY, NOW)).toBe('2026-11-26T10:00:40.000Z');
    expect(leaseUntil(3, POLICY, NOW)).toBe('2026-11-26T10:01:50.000Z');
  });
});
