import type { APIContext, MiddlewareNext } from 'astro';
import { defineMiddleware } from 'astro:middleware';
import { createCore, startOnce, type Core } from './lib/app/index.ts';
import { authorize, SESSION_COOKIE, type Principal } from './lib/auth/index.ts';
import { loadConfig, readEdgeSettings } from './lib/config/index.ts';
import { earlyAnswers } from './server/early-answers.ts';
import { AllowedHosts, authRefusal, clearSessionCookieHeader, edgeRefusal, isMutating, jsonError, routeAction, sessionCookieHeader, startupFailureResponse, withSecurityHeaders } from './lib/http/index.ts';

// Built on the first request and kept for the life of the server: the highlighter, the docs
// cache, the Docker clients and the database are expensive to make. A failed start-up is
// answered with its reason and tried again on the next request.
const core = startOnce(() => createCore(loadConfig(), { mode: 'server' }));

// The edge's own settings: read once, cheaply (the `server:` section and the environment),
// so a request to a foreign host is refused without building the core.
const edge = readEdgeSettings();
for (const problem of edge.problems) console.error(`runbook-live: ${problem}`);
const guards = { hosts: new AllowedHosts(edge.allowedHosts, edge.listenHost), bodyLimitBytes: edge.bodyLimitBytes };

// A server started without its own entry (src/server/entry.ts) and without RUNBOOK_LIVE_TOKEN makes its token up
// with the core; its sign-in URL can only be printed once the first request says where it is.
let announced = false;
function announceGeneratedToken(built: Core, origin: string): void {
  if (announced) return;
  announced = true;
  if (built.authProblem) console.error(`runbook-live: ${built.authProblem}`);
  if (built.generatedAdminToken) console.log(`runbook-live: sign in as admin at ${origin}/?token=${built.generatedAdminToken}`);
}

// Every answer, refusals included, leaves with the security headers (src/lib/http/security-headers.ts).
export const onRequest = defineMiddleware(async (context, next) => withSecurityHeaders(await answer(context, next)));

async function answer(context: APIContext, next: MiddlewareNext): Promise<Response> {
  const { request, url } = context;
  const refusal = edgeRefusal(request, url, guards);
  if (refusal) {
    // A foreign Host (421) is refused before any work at all. A change refused for its origin or
    // its size is an attempt on this server, though, and the audit log keeps a row of it.
    if (refusal.status !== 421 && isMutating(request.method)) await auditEdgeRefusal(context, refusal.status);
    return refusal;
  }
  context.locals.bodyLimitBytes = guards.bodyLimitBytes;
  let built: Core;
  try {
    built = context.locals.core = await core();
    earlyAnswers.cache = built.pageCache;
  } catch (error) {
    console.error('runbook-live: start-up failed:', error);
    return startupFailureResponse(request, url, error);
  }
  announceGeneratedToken(built, url.origin);
  const address = context.clientAddress;
  const resolution = resolvePrincipal(built, context);
  context.locals.principal = resolution.principal;
  context.locals.csrfToken = resolution.csrfToken;
  const audit = (who: Principal, action: string, target: string, status: number, detail: string | null = null) =>
    built.audit.record({ actor: who.name, role: who.role, via: who.via, address, action, target, status, detail });
  const secure = url.protocol === 'https:';
  // A cookie that no longer signs anyone in is removed, so the browser stops sending it.
  const extraHeaders: Record<string, string> = resolution.rejected && resolution.rejected !== 'unknown-token' ? { 'set-cookie': clearSessionCookieHeader(secure) } : {};

  // Opening the printed URL (or any page with ?token=) signs in and drops the token from the address bar.
  const token = request.method === 'GET' ? url.searchParams.get('token') : null;
  if (token !== null) {
    const signedIn = built.auth.signIn(token);
    if (!signedIn) {
      audit(resolution.principal, 'auth.sign-in', 'token', 401, 'the token is not valid');
      return authRefusal(request, url, 401, 'InvalidToken', 'That token is not valid: it is neither the admin token nor a named token in the configuration.');
    }
    audit(signedIn.principal, 'auth.sign-in', 'token', 303);
    const clean = new URL(url);
    clean.searchParams.delete('token');
    return new Response(null, { status: 303, headers: { location: `${clean.pathname}${clean.search}${clean.hash}`, 'set-cookie': sessionCookieHeader(signedIn.cookie, built.auth.sessionSeconds(), secure), 'cache-control': 'no-store' } });
  }

  const wanted = routeAction(request.method, url.pathname);
  if (resolution.rejected === 'unknown-token') {
    if (wanted?.action) audit(resolution.principal, wanted.action, wanted.target, 401, 'unknown bearer token');
    return authRefusal(request, url, 401, 'InvalidToken', 'The bearer token is not valid: it is neither the admin token nor a named token in the configuration.');
  }
  if (wanted) {
    const denied = authorize(resolution.principal, wanted.permission);
    if (denied) {
      const expired = resolution.rejected === 'expired' ? 'Your session expired. ' : resolution.rejected ? 'Your session cookie is not valid. ' : '';
      const message = `${expired}${denied.message}`;
      if (wanted.action) audit(resolution.principal, wanted.action, wanted.target, denied.status, message);
      return authRefusal(request, url, denied.status, denied.code, message, extraHeaders);
    }
    if (isMutating(request.method) && !built.auth.csrfAccepted(resolution, request.headers.get('x-csrf-token'))) {
      const message = 'This change needs the CSRF token of your session in the X-CSRF-Token header (the pages send it from <meta name="csrf-token">); reload the page and try again. API clients sign in with Authorization: Bearer instead.';
      if (wanted.action) audit(resolution.principal, wanted.action, wanted.target, 403, 'CSRF token missing or wrong');
      return jsonError(403, 'CsrfTokenInvalid', message);
    }
  }
  // Refused requests never get here, so nothing cached is answered to someone who may not see it;
  // an answer that clears a stale cookie is rendered afresh (see PageCache for the key).
  const cache = Object.keys(extraHeaders).length === 0 ? built.pageCache : null;
  const response = cache ? await cache.serve(request, url, { principal: resolution.principal, csrfToken: resolution.csrfToken, clientAddress: address }, next) : await next();
  if (isMutating(request.method) && response.status < 400) built.pageCache?.changed();
  if (wanted?.action) audit(resolution.principal, wanted.action, context.locals.auditTarget ?? wanted.target, response.status, context.locals.auditDetail ?? null);
  for (const [name, value] of Object.entries(extraHeaders)) response.headers.append(name, value);
  // The page is rendered by now: background work may begin (only the first call counts).
  built.startBackground();
  return response;
}

/** Who the request says it is, by bearer token, session cookie or trusted proxy header. */
function resolvePrincipal(built: Core, context: APIContext) {
  const { request } = context;
  return built.auth.resolve({
    authorization: request.headers.get('authorization'),
    sessionCookie: context.cookies.get(SESSION_COOKIE)?.value ?? null,
    header: (name) => request.headers.get(name),
    clientAddress: context.clientAddress,
  });
}

/** One audit row for a change the edge refused (403 for its origin, 413 for its size); nothing if the server cannot start. */
async function auditEdgeRefusal(context: APIContext, status: number): Promise<void> {
  const built = await core().catch(() => null);
  const wanted = routeAction(context.request.method, context.url.pathname);
  if (!built || !wanted?.action) return;
  const who = resolvePrincipal(built, context).principal;
  const reason = status === 413 ? 'body over server.body_limit_bytes' : `refused for its origin (${context.request.headers.get('origin') ?? context.request.headers.get('sec-fetch-site') ?? 'unknown'})`;
  built.audit.record({ actor: who.name, role: who.role, via: who.via, address: context.clientAddress, action: wanted.action, target: wanted.target, status, detail: reason });
}
