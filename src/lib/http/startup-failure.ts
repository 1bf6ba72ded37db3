import { escapeHtml } from '../shared/index.ts';
import { jsonError } from './json-response.ts';

/**
 * The answer to every request while the server cannot start: 503 with the reason, as JSON
 * for API clients and as a small page for browsers. The next request tries again.
 */
export function startupFailureResponse(request: Request, url: URL, error: unknown): Response {
  const reason = error instanceof Error ? error.message : String(error);
  const message = `runbook-live could not start: ${reason}. Fix the cause; the next request tries again.`;
  const wantsHtml = !url.pathname.startsWith('/api/') && (request.headers.get('accept') ?? '').includes('text/html');
  if (!wantsHtml) return jsonError(503, 'StartupFailed', message, { 'retry-after': '5' });
  // No stylesheet here; `color-scheme` lets the browser draw the page dark for a dark system.
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>runbook-live could not start</title></head><body><h1>runbook-live could not start</h1><pre>${escapeHtml(reason)}</pre><p>Fix the cause; reloading this page tries again.</p></body></html>`;
  return new Response(page, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': '5' } });
}
