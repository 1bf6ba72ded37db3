import { escapeHtml } from '../shared/index.ts';
import type { AllowedHosts } from './allowed-hosts.ts';
import { jsonError } from './json-response.ts';
import { crossOriginRefusal } from './origin-guard.ts';

/** The `Host` a request was sent to: the header as the client wrote it. */
export function requestHost(request: Request, url: URL): string {
  return request.headers.get('host') ?? url.host;
}

/** True when the client would rather read a page than JSON: a browser navigating outside the API. */
function wantsHtml(request: Request, url: URL): boolean {
  return !url.pathname.startsWith('/api/') && (request.headers.get('accept') ?? '').includes('text/html');
}

/**
 * 421 for a request whose `Host` is not one of the allowed hosts: the defence against DNS
 * rebinding, where a page elsewhere points its own name at this server. JSON for API clients,
 * a small page for browsers, both naming the host and how to allow it.
 */
export function misdirectedRequest(request: Request, url: URL, hosts: AllowedHosts): Response | null {
  const host = requestHost(request, url);
  if (hosts.allows(host)) return null;
  const message = `This server does not answer to the host '${host}'. Allowed: ${hosts.entries.join(', ')}. To allow it, add it to server.allowed_hosts in runbook-live.yaml or to RUNBOOK_LIVE_ALLOWED_HOSTS (comma-separated), then restart.`;
  if (!wantsHtml(request, url)) return jsonError(421, 'MisdirectedRequest', message);
  // No stylesheet here; `color-scheme` lets the browser draw the page dark for a dark system.
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>Unknown host</title></head><body><h1>Unknown host</h1><p>${escapeHtml(message)}</p></body></html>`;
  return new Response(page, { status: 421, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

/** 413 for a request that declares a body larger than the limit, before any of it is read. */
export function declaredBodyTooLarge(request: Request, limitBytes: number): Response | null {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (!Number.isFinite(declared) || declared <= limitBytes) return null;
  return jsonError(413, 'PayloadTooLarge', payloadTooLargeMessage(limitBytes));
}

/** The one wording for a refused large body, whether it was declared or counted while reading. */
export function payloadTooLargeMessage(limitBytes: number): string {
  return `The request body is larger than ${limitBytes} bytes, the limit (server.body_limit_bytes in runbook-live.yaml).`;
}

/**
 * Everything refused before the core is built or a body is read, in order: an unknown host
 * (421), a declared body over the limit (413), a state change from another origin (403).
 */
export function edgeRefusal(request: Request, url: URL, guards: { hosts: AllowedHosts; bodyLimitBytes: number }): Response | null {
  const misdirected = misdirectedRequest(request, url, guards.hosts);
  if (misdirected) return misdirected;
  const tooLarge = declaredBodyTooLarge(request, guards.bodyLimitBytes);
  if (tooLarge) return tooLarge;
  const crossOrigin = crossOriginRefusal(request, url, requestHost(request, url));
  return crossOrigin ? jsonError(403, 'CrossOriginRefused', crossOrigin) : null;
}
