const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `scheme://host[:port]` normalised the way browsers write `Origin` (default ports dropped), or null. */
function originOf(scheme: string, host: string): string | null {
  return URL.canParse(`${scheme}//${host}`) ? new URL(`${scheme}//${host}`).origin : null;
}

/**
 * Refuses state-changing requests that a browser sent from another origin. Browsers always
 * send `Origin` on cross-origin POSTs, so a page elsewhere cannot start runs through a
 * reader's browser; tools like curl send none and are allowed. The origin must be the very
 * host the request was sent to (which already passed the allowed-hosts check), never merely
 * agree with it: a rebound name agrees with itself. An `https:` origin is accepted for a plain
 * `http:` request so that a TLS-terminating proxy in front keeps working.
 */
export function crossOriginRefusal(request: Request, url: URL, host: string = url.host): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const origin = request.headers.get('origin');
  if (origin) {
    const expected = originOf(url.protocol, host);
    const behindTls = url.protocol === 'http:' ? originOf('https:', host) : null;
    if (origin !== expected && origin !== behindTls) {
      return `Requests that change state must come from ${expected ?? host}; this one came from ${origin}.`;
    }
  }
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `Requests that change state must be same-origin; this one was ${site}.`;
  return null;
}
