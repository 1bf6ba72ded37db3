import { z } from 'zod';
import { ROLES } from './roles.ts';

const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
/** A role, or `none` for nothing at all. */
const roleOrNoneSchema = z.enum([...ROLES, 'none'], { error: `must be one of ${ROLES.join(', ')} or none` });

/** What visitors who did not sign in get: one role for everyone, or one for loopback and one for the rest. */
export const anonymousAccessSchema = z
  .union([
    roleOrNoneSchema,
    z.strictObject({
      /** Requests from 127.0.0.1 / ::1. */
      loopback: roleOrNoneSchema.default('viewer'),
      /** Requests from anywhere else. */
      remote: roleOrNoneSchema.default('none'),
    }),
  ], { error: `must be one of ${ROLES.join(', ')} or none, or { loopback: ROLE, remote: ROLE }` })
  .transform((value) => (typeof value === 'string' ? { loopback: value, remote: value } : value));

/** A named API token for CI and scripts: only its SHA-256 is kept. */
export const namedTokenSchema = z.strictObject({
  /** Recorded as the actor of everything the token does. */
  name: z.string().regex(/^[\w.@+-]{1,64}$/, 'token names are 1-64 letters, digits and . _ @ + -'),
  role: roleSchema,
  /** Hex SHA-256 of the token, as `runbook-live token create` prints it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the 64 hex digits `runbook-live token create` prints'),
});
export type NamedToken = z.infer<typeof namedTokenSchema>;

/** The `auth` section of runbook-live.yaml. */
export const authConfigSchema = z.strictObject({
  /** What visitors who did not sign in get; default `viewer` on loopback, nothing otherwise. */
  anonymous: anonymousAccessSchema.default({ loopback: 'viewer', remote: 'none' }),
  /** Users (as a trusted proxy names them) and their roles. */
  users: z.record(z.string().min(1), roleSchema).default({}),
  /** Groups (from the proxy's groups header) and the roles their members get. */
  groups: z.record(z.string().min(1), roleSchema).default({}),
  /** The role of a proxy-signed-in user no entry of `users` or `groups` names; `none` refuses them. */
  signed_in_default: roleOrNoneSchema.default('viewer'),
  tokens: z.array(namedTokenSchema).default([]),
  /** Peer addresses whose user and group headers are believed; from anywhere else they are ignored. */
  trusted_proxies: z.array(z.ipv4().or(z.ipv6())).default([]),
  /** The headers a trusted proxy names the user and the groups in. */
  proxy_headers: z
    .strictObject({ user: z.string().min(1).default('X-Forwarded-User'), groups: z.string().min(1).default('X-Forwarded-Groups') })
    .default({ user: 'X-Forwarded-User', groups: 'X-Forwarded-Groups' }),
  /** How long a sign-in lasts. */
  session_hours: z.number().positive().max(24 * 90).default(12),
  audit: z.strictObject({ retention_days: z.number().int().min(1).max(3650).default(90) }).default({ retention_days: 90 }),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

/** The configuration without an `auth` section. */
export function defaultAuthConfig(): AuthConfig {
  return authConfigSchema.parse({});
}

/**
 * What an unusable `auth` section gives: nobody but the holder of the admin token gets in,
 * since guessing what was meant could hand out roles nobody intended.
 */
export function failClosedAuthConfig(): AuthConfig {
  return { ...defaultAuthConfig(), anonymous: { loopback: 'none', remote: 'none' }, signed_in_default: 'none' };
}
