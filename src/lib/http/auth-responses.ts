import { SESSION_COOKIE } from '../auth/index.ts';
import { escapeHtml } from '../shared/index.ts';
import type { ApiErrorCode } from './api-error-codes.ts';
import { jsonError } from './json-response.ts';
import { HAND_WRITTEN_PAGE_CSP } from './security-headers.ts';
import { THEME_BOOT_SCRIPT_TAG } from './theme-boot-script.ts';

/** Whether a refusal should be a page (a browser opening a page) rather than `{ code, message }`. */
function wantsPage(request: Request, url: URL): boolean {
  return !url.pathname.startsWith('/api/') && request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
}

/** The explanation of how to sign in, as the 401 page and `/auth/sign-in` show it. */
export function signInPageHtml(reason: string | null): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · runbook-live</title>${THEME_BOOT_SCRIPT_TAG}<link rel="stylesheet" href="/styles.css"></head><body><main class="sign-in">
<h1>Sign in to runbook-live</h1>
${reason ? `<p class="sign-in-reason">${escapeHtml(reason)}</p>` : ''}
<ul>
<li><strong>With the sign-in URL.</strong> When runbook-live starts it prints a URL ending in <code>?token=…</code> (or uses <code>RUNBOOK_LIVE_TOKEN</code>). Open it, or paste the token here:
<form method="get" action="/"><input type="password" name="token" autocomplete="off" aria-label="token" placeholder="token"> <button type="submit">Sign in</button></form></li>
<li><strong>With an API token</strong> (CI, scripts, the CLI): send <code>Authorization: Bearer &lt;token&gt;</code>. <code>runbook-live token create NAME --role operator</code> makes one.</li>
<li><strong>Through your sign-in proxy</strong> (oauth2-proxy or similar), when this server is configured to trust it: open the site through the proxy's address.</li>
</ul>
<p><a href="/">Back to the docs</a></p>
</main></body></html>`;
}

/**
 * A page written here rather than by Astro, with the policy that lets its stylesheet, its theme
 * script and its form work: without it, the locked-down default would refuse the stylesheet.
 */
export function handWrittenPage(html: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': HAND_WRITTEN_PAGE_CSP, ...headers } });
}

/** 401 or 403: a sign-in page (or the refusal as a page) for browsers, `{ code, message }` for the API. */
export function authRefusal(request: Request, url: URL, status: 401 | 403, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  if (!wantsPage(request, url)) {
    const response = jsonError(status, code, message);
    for (const [name, value] of Object.entries(headers)) response.headers.append(name, value);
    return response;
  }
  const html = status === 401 ? signInPageHtml(message) : `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not allowed · runbook-live</title>${THEME_BOOT_SCRIPT_TAG}<link rel="stylesheet" href="/styles.css"></head><body><main><h1>Not allowed</h1><p>${escapeHtml(message)}</p><p><a href="/auth/sign-in">Sign in as someone else</a> · <a href="/">Back to the docs</a></p></main></body></html>`;
  return handWrittenPage(html, status, headers);
}

/** The `Set-Cookie` value for a session: HttpOnly, SameSite=Strict, Secure over https, with an expiry. */
export function sessionCookieHeader(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` value that removes the session cookie. */
export function clearSessionCookieHeader(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
