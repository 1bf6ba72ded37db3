import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { constantTimeEqual } from './tokens.ts';

/** The cookie a sign-in sets. */
export const SESSION_COOKIE = 'runbook_live_session';

/** What a session cookie carries. The role is not in it: it is looked up again on every request. */
export const sessionPayloadSchema = z.strictObject({
  /** `admin` for the printed token, else the named token's name. */
  sub: z.string().min(1),
  /** Which kind of token signed in. */
  kind: z.enum(['admin', 'named']),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int(),
  /** This session's CSRF token, which the pages send back with every change. */
  csrf: z.string().min(16),
});
export type SessionPayload = z.infer<typeof sessionPayloadSchema>;

/** Why a cookie was not accepted. */
export type SessionRejection = 'malformed' | 'bad-signature' | 'expired';

function sign(body: string, key: Buffer): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

/** A new session for a token holder, lasting `lifetimeMs` from `now`. */
export function newSession(sub: string, kind: SessionPayload['kind'], now: number, lifetimeMs: number): SessionPayload {
  return { sub, kind, exp: Math.floor((now + lifetimeMs) / 1000), csrf: randomBytes(24).toString('base64url') };
}

/** `<base64url JSON>.<base64url HMAC-SHA256>`: readable, but not forgeable without the key. */
export function signSession(payload: SessionPayload, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${sign(body, key)}`;
}

/** The payload of a cookie signed with `key` and not expired at `now`, or why not. */
export function verifySession(value: string, key: Buffer, now: number): { ok: true; session: SessionPayload } | { ok: false; reason: SessionRejection } {
  const [body, signature, ...rest] = value.split('.');
  if (!body || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
  if (!constantTimeEqual(signature, sign(body, key))) return { ok: false, reason: 'bad-signature' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = sessionPayloadSchema.safeParse(decoded);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.data.exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, session: parsed.data };
}
