import { describe, expect, it } from 'vitest';
import { openRunStart, SlidingWindowLimiter } from '../../../src/lib/http/index.ts';

const post = (body: string, type = 'application/json') => new Request('http://127.0.0.1/api/runs', { method: 'POST', headers: { 'content-type': type }, body });

describe('openRunStart', () => {
  it('reads the body of a start within the limit and holds its slot until released', async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 60_000 });
    const start = await openRunStart(post('{"block":"RUN-a/b"}'), limiter, 'alice', 1024);
    expect(start).toMatchObject({ ok: true, body: { block: 'RUN-a/b' } });
    const second = await openRunStart(post('{}'), limiter, 'alice', 1024);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.response.status).toBe(429);
    expect(second.response.headers.get('retry-after')).toMatch(/^\d+$/);
    if (start.ok) start.release();
    expect((await openRunStart(post('{}'), limiter, 'alice', 1024)).ok).toBe(true);
  });

  it('gives the slot back when the body is refused, so a bad request is not a start', async () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 60_000 });
    const refused = await openRunStart(post('x'.repeat(2048)), limiter, 'bob', 1024);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.response.status).toBe(413);
    const wrongType = await openRunStart(post('{}', 'text/plain'), limiter, 'bob', 1024);
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) expect(wrongType.response.status).toBe(415);
    expect((await openRunStart(post('{}'), limiter, 'bob', 1024)).ok).toBe(true);
  });
});
