const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser sent from another origin. Browsers always
 * send `Origin` on cross-origin POSTs, so a page elsewhere cannot start runs through a
 * reader's browser; tools like curl send none and are allowed.
 */
export function crossOriginRefusal(request: Request, url: URL): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const origin = request.headers.get('origin');
  if (origin && origin !== url.origin) {
    return `Requests that change state must come from ${url.origin}; this one came from ${origin}.`;
  }
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `Requests that change state must be same-origin; this one was ${site}.`;
  return null;
}
