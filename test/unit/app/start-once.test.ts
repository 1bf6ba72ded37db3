import { describe, expect, it } from 'vitest';
import { startOnce } from '../../../src/lib/app/start-once.ts';

describe('startOnce', () => {
  it('builds once and shares the result with every caller', async () => {
    let builds = 0;
    const get = startOnce(async () => ({ build: ++builds }));
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(builds).toBe(1);
  });

  it('reports a failed build to everyone waiting on it, then tries again on the next call', async () => {
    let attempts = 0;
    const get = startOnce(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('DATA_DIR is not writable');
      return `core ${attempts}`;
    });
    const waiting = await Promise.allSettled([get(), get()]);
    expect(waiting.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((waiting[0] as PromiseRejectedResult).reason).toEqual(new Error('DATA_DIR is not writable'));
    expect(await get()).toBe('core 2');
    expect(await get()).toBe('core 2');
    expect(attempts).toBe(2);
  });
});
