import { describe, expect, it } from 'vitest';
import { newSession, signSession, verifySession } from '../../../src/lib/auth/index.ts';

const KEY = Buffer.alloc(32, 7);
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('session cookies', () => {
  it('verify when signed with the same key and not expired', () => {
    const session = newSession('admin', 'admin', NOW, 3_600_000);
    const verified = verifySession(signSession(session, KEY), KEY, NOW + 1000);
    expect(verified).toEqual({ ok: true, session });
    expect(session.csrf.length).toBeGreaterThanOrEqual(16);
  });

  it('refuse a changed payload, a changed signature and another key', () => {
    const cookie = signSession(newSession('ci', 'named', NOW, 3_600_000), KEY);
    const [body, signature] = cookie.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), sub: 'admin', kind: 'admin' })).toString('base64url');
    expect(verifySession(`${forged}.${signature}`, KEY, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySession(`${body}.${signature.slice(0, -2)}xx`, KEY, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySession(cookie, Buffer.alloc(32, 8), NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifySession('not-a-cookie', KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuse an expired session', () => {
    const cookie = signSession(newSession('admin', 'admin', NOW, 60_000), KEY);
    expect(verifySession(cookie, KEY, NOW + 59_000).ok).toBe(true);
    expect(verifySession(cookie, KEY, NOW + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });
});
