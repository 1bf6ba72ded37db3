import { defineMiddleware } from 'astro:middleware';
import { createCore, startOnce } from './lib/app/index.ts';
import { loadConfig, readEdgeSettings } from './lib/config/index.ts';
import { AllowedHosts, edgeRefusal, startupFailureResponse, withSecurityHeaders } from './lib/http/index.ts';

// Built on the first request and kept for the life of the server: the highlighter, the docs
// cache, the Docker clients and the database are expensive to make. A failed start-up is
// answered with its reason and tried again on the next request.
const core = startOnce(() => createCore(loadConfig(), { mode: 'server' }));

// The edge's own settings: read once, cheaply (the `server:` section and the environment),
// so a request to a foreign host is refused without building the core.
const edge = readEdgeSettings();
for (const problem of edge.problems) console.error(`runbook-live: ${problem}`);
const guards = { hosts: new AllowedHosts(edge.allowedHosts, edge.listenHost), bodyLimitBytes: edge.bodyLimitBytes };

export const onRequest = defineMiddleware(async (context, next) => {
  const refusal = edgeRefusal(context.request, context.url, guards);
  if (refusal) return withSecurityHeaders(refusal);
  context.locals.bodyLimitBytes = guards.bodyLimitBytes;
  try {
    context.locals.core = await core();
  } catch (error) {
    console.error('runbook-live: start-up failed:', error);
    return withSecurityHeaders(startupFailureResponse(context.request, context.url, error));
  }
  const response = await next();
  // The page is rendered by now: background work may begin (only the first call counts).
  context.locals.core.startBackground();
  return withSecurityHeaders(response);
});
