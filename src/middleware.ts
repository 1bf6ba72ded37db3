import { defineMiddleware } from 'astro:middleware';
import { loadConfig } from './lib/config/index.ts';
import { createServices, type Services } from './lib/app/index.ts';
import { crossOriginRefusal } from './lib/http/index.ts';
import { jsonError } from './lib/http/index.ts';

// Built on the first request and kept for the life of the server: the highlighter, the
// docs cache, the Docker clients and the database are expensive to make.
let services: Promise<Services> | null = null;

export const onRequest = defineMiddleware(async (context, next) => {
  const refusal = crossOriginRefusal(context.request, context.url);
  if (refusal) return jsonError(403, 'CrossOriginRefused', refusal);
  services ??= createServices(loadConfig());
  context.locals.services = await services;
  return next();
});
