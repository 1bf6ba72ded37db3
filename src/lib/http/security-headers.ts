import { THEME_BOOT_SCRIPT_HASH } from './theme-boot-script.ts';

/**
 * The policy for every response that is not a page Astro rendered (API JSON, SSE, error
 * answers, static files): nothing may load, nothing may frame it. Pages get Astro's policy
 * instead (astro.config.mjs `security.csp`), which hashes the scripts they carry.
 */
export const LOCKED_DOWN_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The policy for the few pages written by hand outside Astro (the sign-in and not-allowed
 * pages): the site's stylesheet and a form posting back here, which the locked-down policy
 * would block, and no script but the theme boot script, named by its hash.
 */
export const HAND_WRITTEN_PAGE_CSP = `default-src 'none'; script-src '${THEME_BOOT_SCRIPT_HASH}'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

/** How pages and API answers may be cached: by the browser only, and revalidated every time. */
export const PRIVATE_CACHE_CONTROL = 'private, no-cache';

/**
 * The headers every response carries: no MIME sniffing, no referrer to other sites, no
 * framing by old browsers that ignore `frame-ancestors`.
 */
export const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** The security headers a response lacks, filled in; those it set itself (a page's CSP, SSE's `no-store`) are kept. */
export function securityHeadersFor(existing: Headers): Record<string, string> {
  const missing: Record<string, string> = { ...BASELINE_SECURITY_HEADERS };
  if (!existing.has('content-security-policy')) missing['content-security-policy'] = LOCKED_DOWN_CSP;
  if (!existing.has('cache-control')) missing['cache-control'] = PRIVATE_CACHE_CONTROL;
  return missing;
}

/**
 * The response with the security headers added. Headers are set in place so Astro's own
 * bookkeeping on the response survives; a response with immutable headers is copied.
 */
export function withSecurityHeaders(response: Response): Response {
  const headers = securityHeadersFor(response.headers);
  try {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    return copy;
  }
}
