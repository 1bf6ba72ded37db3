import { defineMiddleware } from 'astro:middleware';
import { createCore, startOnce } from './lib/app/index.ts';
import { loadConfig } from './lib/config/index.ts';
import { crossOriginRefusal, jsonError, startupFailureResponse } from './lib/http/index.ts';

// Built on the first request and kept for the life of the server: the highlighter, the docs
// cache, the Docker clients and the database are expensive to make. A failed start-up is
// answered with its reason and tried again on the next request.
const core = startOnce(() => createCore(loadConfig(), { mode: 'server' }));

export const onRequest = defineMiddleware(async (context, next) => {
  const refusal = crossOriginRefusal(context.request, context.url);
  if (refusal) return jsonError(403, 'CrossOriginRefused', refusal);
  try {
    context.locals.core = await core();
  } catch (error) {
    console.error('runbook-live: start-up failed:', error);
    return startupFailureResponse(context.request, context.url, error);
  }
  const response = await next();
  // The page is rendered by now: background work may begin (only the first call counts).
  context.locals.core.startBackground();
  return response;
});
