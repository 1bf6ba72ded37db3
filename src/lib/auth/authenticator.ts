import { createHmac } from 'node:crypto';
import type { AuthConfig } from './auth-config-schema.ts';
import type { Principal } from './principal.ts';
import { strongerRole, type Role } from './roles.ts';
import { newSession, signSession, verifySession, type SessionPayload, type SessionRejection } from './session-cookie.ts';
import { constantTimeEqual, matchToken } from './tokens.ts';

/** What of a request sign-in looks at. */
export interface AuthRequest {
  /** The `Authorization` header. */
  authorization: string | null;
  /** The session cookie's value. */
  sessionCookie: string | null;
  /** Any request header, by name (case-insensitive), for the proxy's user and groups. */
  header(name: string): string | null;
  /** The TCP peer: the only address a proxy header is trusted on. */
  clientAddress: string;
}

/** Who a request is, and what came of the credentials it brought. */
export interface Resolution {
  principal: Principal;
  /** The session the cookie carried, when it was valid. */
  session: SessionPayload | null;
  /** The token a change must carry in `X-CSRF-Token`; null when none is needed (bearer tokens). */
  csrfToken: string | null;
  /** Why credentials the request brought were not accepted: a bearer token nobody holds, or a bad cookie. */
  rejected: 'unknown-token' | SessionRejection | null;
}

/** Everything sign-in needs, built once per server. */
export interface AuthenticatorDeps {
  config: AuthConfig;
  /** The admin's token: RUNBOOK_LIVE_TOKEN or the one printed at start. */
  adminToken: string;
  /** The session-signing key (see `loadOrCreateSigningKey`). */
  key: Buffer;
  now?: () => number;
}

/** The address without an IPv4-mapped IPv6 prefix, so `::ffff:127.0.0.1` is `127.0.0.1`. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Whether a peer address is this machine. */
export function isLoopback(address: string): boolean {
  const plain = normaliseAddress(address);
  return plain === '::1' || /^127\.\d+\.\d+\.\d+$/.test(plain);
}

/** Resolves requests to principals: bearer token, then session cookie, then trusted proxy, then the anonymous rule. */
export class Authenticator {
  readonly config: AuthConfig;
  private readonly deps: AuthenticatorDeps;
  private readonly now: () => number;

  constructor(deps: AuthenticatorDeps) {
    this.deps = deps;
    this.config = deps.config;
    this.now = deps.now ?? Date.now;
  }

  /** Who the request is. */
  resolve(request: AuthRequest): Resolution {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '')?.[1];
    if (bearer) {
      const match = matchToken(bearer, this.deps.adminToken, this.config.tokens);
      if (match) return { principal: { name: match.name, role: match.role, via: 'token' }, session: null, csrfToken: null, rejected: null };
      return { ...this.anonymous(request), rejected: 'unknown-token' };
    }
    let rejected: SessionRejection | null = null;
    if (request.sessionCookie) {
      const verified = verifySession(request.sessionCookie, this.deps.key, this.now());
      if (verified.ok) {
        const role = this.sessionRole(verified.session);
        if (role) return { principal: { name: verified.session.sub, role, via: 'session' }, session: verified.session, csrfToken: verified.session.csrf, rejected: null };
        // A named token taken out of the configuration ends its sessions too.
        rejected = 'bad-signature';
      } else {
        rejected = verified.reason;
      }
    }
    const proxied = this.fromProxy(request);
    if (proxied) return { principal: proxied, session: null, csrfToken: this.derivedCsrf(proxied), rejected };
    return { ...this.anonymous(request), rejected };
  }

  /** A session for whoever holds `token`, as a signed cookie value; null for a token nobody holds. */
  signIn(token: string): { cookie: string; principal: Principal; session: SessionPayload } | null {
    const match = matchToken(token, this.deps.adminToken, this.config.tokens);
    if (!match) return null;
    const session = newSession(match.name, match.kind, this.now(), this.config.session_hours * 3_600_000);
    return { cookie: signSession(session, this.deps.key), principal: { name: match.name, role: match.role, via: 'session' }, session };
  }

  /** How long a new session lasts, in seconds (for the cookie's Max-Age). */
  sessionSeconds(): number {
    return Math.floor(this.config.session_hours * 3600);
  }

  /** Whether a change carries the CSRF token its resolution asks for. */
  csrfAccepted(resolution: Resolution, presented: string | null): boolean {
    if (resolution.csrfToken === null) return true;
    return presented !== null && constantTimeEqual(presented, resolution.csrfToken);
  }

  private sessionRole(session: SessionPayload): Role | null {
    if (session.kind === 'admin') return session.sub === 'admin' ? 'admin' : null;
    return this.config.tokens.find((token) => token.name === session.sub)?.role ?? null;
  }

  private fromProxy(request: AuthRequest): Principal | null {
    const peer = normaliseAddress(request.clientAddress);
    if (!this.config.trusted_proxies.some((trusted) => normaliseAddress(trusted) === peer)) return null;
    const user = request.header(this.config.proxy_headers.user)?.trim();
    if (!user || !/^[\w.@+ -]{1,128}$/.test(user)) return null;
    const groups = (request.header(this.config.proxy_headers.groups) ?? '').split(',').map((group) => group.trim()).filter(Boolean);
    let role: Role | null = this.config.users[user] ?? null;
    for (const group of groups) role = strongerRole(role, this.config.groups[group] ?? null);
    const fallback = this.config.signed_in_default;
    role ??= fallback === 'none' ? null : fallback;
    return { name: user, role, via: 'proxy' };
  }

  private anonymous(request: AuthRequest): Omit<Resolution, 'rejected'> {
    const rule = isLoopback(request.clientAddress) ? this.config.anonymous.loopback : this.config.anonymous.remote;
    const principal: Principal = { name: `anonymous@${normaliseAddress(request.clientAddress)}`, role: rule === 'none' ? null : rule, via: 'anonymous' };
    return { principal, session: null, csrfToken: this.derivedCsrf(principal) };
  }

  /**
   * A CSRF token for browsers that are signed in by something other than our cookie (a proxy's
   * own cookie, or being on loopback): derived from the key, so another site cannot know it.
   */
  private derivedCsrf(principal: Principal): string {
    return createHmac('sha256', this.deps.key).update(`csrf:${principal.via}:${principal.name}`).digest('base64url');
  }
}
