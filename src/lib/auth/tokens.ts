import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NamedToken } from './auth-config-schema.ts';
import type { Role } from './roles.ts';

/** A new random token: 32 bytes, base64url, with a prefix so a leaked one is recognisable. */
export function generateToken(): string {
  return `rl_${randomBytes(32).toString('base64url')}`;
}

/** The hex SHA-256 a named token is kept as. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, which timingSafeEqual needs, without leaking the length.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Who a presented token belongs to: the admin token, a named token, or nobody. */
export function matchToken(presented: string, adminToken: string, named: NamedToken[]): { name: string; role: Role; kind: 'admin' | 'named' } | null {
  if (constantTimeEqual(presented, adminToken)) return { name: 'admin', role: 'admin', kind: 'admin' };
  const digest = hashToken(presented);
  // Every entry is compared, so the time taken does not say which one matched.
  let found: NamedToken | null = null;
  for (const token of named) if (constantTimeEqual(digest, token.sha256)) found ??= token;
  return found ? { name: found.name, role: found.role, kind: 'named' } : null;
}
