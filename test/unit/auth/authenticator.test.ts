import { describe, expect, it } from 'vitest';
import { authConfigSchema, Authenticator, authorize, hashToken, parseAuthConfig, type AuthRequest } from '../../../src/lib/auth/index.ts';

const KEY = Buffer.alloc(32, 1);
const ADMIN = 'admin-token-0123456789';
const CI = 'ci-token-abcdefghijkl';

function authenticator(auth: unknown = {}) {
  return new Authenticator({ config: authConfigSchema.parse(auth), adminToken: ADMIN, key: KEY, now: () => Date.parse('2026-03-01T00:00:00Z') });
}

function request(over: Partial<Omit<AuthRequest, 'header'>> & { headers?: Record<string, string> } = {}): AuthRequest {
  const headers = Object.fromEntries(Object.entries(over.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return { authorization: over.authorization ?? null, sessionCookie: over.sessionCookie ?? null, clientAddress: over.clientAddress ?? '127.0.0.1', header: (name) => headers[name.toLowerCase()] ?? null };
}

describe('resolving who a request is', () => {
  it('gives anonymous visitors viewer on loopback and nothing elsewhere, by default', () => {
    const auth = authenticator();
    expect(auth.resolve(request()).principal).toEqual({ name: 'anonymous@127.0.0.1', role: 'viewer', via: 'anonymous' });
    expect(auth.resolve(request({ clientAddress: '::ffff:127.0.0.1' })).principal.role).toBe('viewer');
    expect(auth.resolve(request({ clientAddress: '10.1.2.3' })).principal).toEqual({ name: 'anonymous@10.1.2.3', role: null, via: 'anonymous' });
  });

  it('knows the admin token and named tokens by their hash, and refuses unknown ones', () => {
    const auth = authenticator({ tokens: [{ name: 'ci', role: 'operator', sha256: hashToken(CI) }] });
    expect(auth.resolve(request({ authorization: `Bearer ${ADMIN}` })).principal).toEqual({ name: 'admin', role: 'admin', via: 'token' });
    const ci = auth.resolve(request({ authorization: `Bearer ${CI}` }));
    expect(ci.principal).toEqual({ name: 'ci', role: 'operator', via: 'token' });
    expect(ci.csrfToken).toBeNull();
    expect(auth.resolve(request({ authorization: 'Bearer nope' })).rejected).toBe('unknown-token');
  });

  it('signs in with a token into a session whose role is looked up again on every request', () => {
    const auth = authenticator({ tokens: [{ name: 'ci', role: 'operator', sha256: hashToken(CI) }] });
    const signed = auth.signIn(CI)!;
    const resolved = auth.resolve(request({ sessionCookie: signed.cookie }));
    expect(resolved.principal).toEqual({ name: 'ci', role: 'operator', via: 'session' });
    expect(resolved.csrfToken).toBe(signed.session.csrf);
    expect(auth.csrfAccepted(resolved, signed.session.csrf)).toBe(true);
    expect(auth.csrfAccepted(resolved, 'wrong')).toBe(false);
    expect(auth.csrfAccepted(resolved, null)).toBe(false);
    // The token is taken out of the configuration: its sessions end too.
    const revoked = authenticator().resolve(request({ sessionCookie: signed.cookie }));
    expect(revoked.principal.via).toBe('anonymous');
    expect(revoked.rejected).toBe('bad-signature');
    expect(auth.signIn('nope')).toBeNull();
  });

  it('believes proxy headers only from trusted proxies, mapping users and groups to the strongest role', () => {
    const auth = authenticator({ trusted_proxies: ['127.0.0.1'], users: { alice: 'viewer' }, groups: { sre: 'operator', root: 'admin' }, proxy_headers: { user: 'X-User', groups: 'X-Groups' } });
    expect(auth.resolve(request({ headers: { 'x-user': 'alice', 'x-groups': 'web, sre' } })).principal).toEqual({ name: 'alice', role: 'operator', via: 'proxy' });
    expect(auth.resolve(request({ headers: { 'x-user': 'bob' } })).principal).toEqual({ name: 'bob', role: 'viewer', via: 'proxy' });
    expect(auth.resolve(request({ clientAddress: '10.0.0.9', headers: { 'x-user': 'alice', 'x-groups': 'root' } })).principal.via).toBe('anonymous');
    const closed = authenticator({ trusted_proxies: ['127.0.0.1'], signed_in_default: 'none' });
    expect(closed.resolve(request({ headers: { 'x-forwarded-user': 'bob' } })).principal).toEqual({ name: 'bob', role: null, via: 'proxy' });
  });
});

describe('refusals', () => {
  it('say 401 to anonymous visitors and 403 naming the role to signed-in ones', () => {
    expect(authorize({ name: 'anonymous@127.0.0.1', role: 'viewer', via: 'anonymous' }, 'run.start')).toMatchObject({ status: 401, code: 'SignInRequired' });
    expect(authorize({ name: 'alice', role: 'viewer', via: 'proxy' }, 'run.start')).toEqual({
      status: 403,
      code: 'RoleRequired',
      role: 'operator',
      message: 'Starting runs needs the operator role; you are signed in as alice (viewer).',
    });
    expect(authorize({ name: 'ci', role: 'operator', via: 'token' }, 'run.start')).toBeNull();
    expect(authorize({ name: 'ci', role: 'operator', via: 'token' }, 'audit.read')).toMatchObject({ status: 403, role: 'admin' });
  });
});

describe('the auth section', () => {
  it('fails closed and names the field, the value expected and what to do', () => {
    const settings = parseAuthConfig({ anonymous: 'everyone', tokens: [{ name: 'ci', role: 'operator', sha256: 'abc' }] }, '/etc/runbook-live.yaml');
    expect(settings.config.anonymous).toEqual({ loopback: 'none', remote: 'none' });
    expect(settings.config.tokens).toEqual([]);
    expect(settings.problem).toContain('/etc/runbook-live.yaml: the auth section is invalid, so only the admin token');
    expect(settings.problem).toContain('auth.tokens.0.sha256: must be the 64 hex digits `runbook-live token create` prints');
    expect(settings.problem).toMatch(/auth\.anonymous: .*viewer/);
    expect(settings.problem).toContain('See "Security model" in the README.');
  });

  it('defaults to viewer on loopback, nothing elsewhere', () => {
    expect(parseAuthConfig(undefined, 'x.yaml')).toMatchObject({ problem: null, config: { anonymous: { loopback: 'viewer', remote: 'none' }, session_hours: 12, audit: { retention_days: 90 } } });
    expect(parseAuthConfig({ anonymous: 'operator' }, 'x.yaml').config.anonymous).toEqual({ loopback: 'operator', remote: 'operator' });
  });
});
