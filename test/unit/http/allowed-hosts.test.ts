import { describe, expect, it } from 'vitest';
import { AllowedHosts, crossOriginRefusal, edgeRefusal, parseHostHeader } from '../../../src/lib/http/index.ts';

describe('allowed hosts', () => {
  const defaults = new AllowedHosts([], '127.0.0.1');

  it('allows loopback names and the listen address on any port', () => {
    for (const host of ['localhost', 'localhost:4321', '127.0.0.1:8080', '[::1]:4321', 'LOCALHOST:1', 'localhost.']) expect(defaults.allows(host), host).toBe(true);
  });

  it('refuses every other name, including ones that merely contain an allowed one', () => {
    for (const host of ['evil.example:4321', 'localhost.evil.example', '127.0.0.1.nip.io', 'evil-localhost', '', 'local host', '[::2]']) expect(defaults.allows(host), host).toBe(false);
  });

  it('adds configured names, with a port only when the entry names one, and *. suffixes for subdomains only', () => {
    const hosts = new AllowedHosts(['runbooks.example.com', 'ops.internal:8443', '*.team.example'], '0.0.0.0');
    expect(hosts.allows('runbooks.example.com')).toBe(true);
    expect(hosts.allows('runbooks.example.com:443')).toBe(true);
    expect(hosts.allows('ops.internal:8443')).toBe(true);
    expect(hosts.allows('ops.internal:8444')).toBe(false);
    expect(hosts.allows('a.team.example:4321')).toBe(true);
    expect(hosts.allows('a.b.team.example')).toBe(true);
    expect(hosts.allows('team.example')).toBe(false);
    expect(hosts.allows('evilteam.example')).toBe(false);
    // A wildcard listen address is never a name a browser sends; it allows nothing by itself.
    expect(hosts.allows('0.0.0.0:4321')).toBe(false);
    expect(hosts.entries).toEqual(['localhost', '127.0.0.1', '[::1]', 'runbooks.example.com', 'ops.internal:8443', '*.team.example']);
  });

  it('parses Host headers into a name and a port', () => {
    expect(parseHostHeader('Example.COM:80')).toEqual({ name: 'example.com', port: '80' });
    expect(parseHostHeader('[::1]')).toEqual({ name: '[::1]', port: null });
    expect(parseHostHeader('a:b:c')).toBeNull();
  });
});

describe('edge refusals', () => {
  const guards = { hosts: new AllowedHosts([], '127.0.0.1'), bodyLimitBytes: 1024 };
  const request = (headers: Record<string, string>, method = 'POST') => new Request('http://127.0.0.1:4321/api/runs', { method, headers });

  it('answers a foreign host with 421 naming the host and how to allow it', async () => {
    const refused = edgeRefusal(request({ host: 'evil.example:4321', origin: 'http://evil.example:4321' }), new URL('http://evil.example:4321/api/runs'), guards)!;
    expect(refused.status).toBe(421);
    expect(await refused.json()).toEqual({
      code: 'MisdirectedRequest',
      message: "This server does not answer to the host 'evil.example:4321'. Allowed: localhost, 127.0.0.1, [::1]. To allow it, add it to server.allowed_hosts in runbook-live.yaml or to RUNBOOK_LIVE_ALLOWED_HOSTS (comma-separated), then restart.",
    });
  });

  it('answers a browser navigating to a foreign host with a small page', async () => {
    const page = edgeRefusal(new Request('http://evil.example/docs/x', { headers: { host: 'evil.example', accept: 'text/html' } }), new URL('http://evil.example/docs/x'), guards)!;
    expect(page.status).toBe(421);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('server.allowed_hosts');
  });

  it('refuses a declared body over the limit with 413 before reading it', () => {
    expect(edgeRefusal(request({ host: '127.0.0.1:4321', 'content-length': '1025' }), new URL('http://127.0.0.1:4321/api/runs'), guards)?.status).toBe(413);
    expect(edgeRefusal(request({ host: '127.0.0.1:4321', 'content-length': '1024' }), new URL('http://127.0.0.1:4321/api/runs'), guards)).toBeNull();
  });

  it('wants the Origin of a state change to be the very host the request was sent to', () => {
    const url = new URL('http://127.0.0.1:4321/api/runs');
    expect(crossOriginRefusal(request({ origin: 'http://127.0.0.1:4321' }), url, '127.0.0.1:4321')).toBeNull();
    // Allowed, but not this host: a page on localhost:9999 is another site.
    expect(crossOriginRefusal(request({ origin: 'http://localhost:4321' }), url, '127.0.0.1:4321')).toBe('Requests that change state must come from http://127.0.0.1:4321; this one came from http://localhost:4321.');
    expect(crossOriginRefusal(request({ origin: 'http://evil.example:4321' }), url, '127.0.0.1:4321')).not.toBeNull();
    // Behind a TLS-terminating proxy the browser's origin is https while the request is http.
    expect(crossOriginRefusal(request({ origin: 'https://runbooks.example.com' }), new URL('http://runbooks.example.com/api/runs'), 'runbooks.example.com')).toBeNull();
    expect(crossOriginRefusal(request({ 'sec-fetch-site': 'cross-site' }), url, '127.0.0.1:4321')).toBe('Requests that change state must be same-origin; this one was cross-site.');
    expect(crossOriginRefusal(request({}), url, '127.0.0.1:4321')).toBeNull();
    expect(crossOriginRefusal(request({ origin: 'http://evil.example' }, 'GET'), url, '127.0.0.1:4321')).toBeNull();
  });
});
