import { defineMiddleware } from 'astro:middleware';
import { loadConfig } from './lib/config/load-config.ts';
import { createServices, type Services } from './lib/app/services.ts';

// Built on the first request and kept for the life of the server: the highlighter, the
// docs cache and (later) the Docker clients and the database are expensive to make.
let services: Promise<Services> | null = null;

export const onRequest = defineMiddleware(async (context, next) => {
  services ??= createServices(loadConfig());
  context.locals.services = await services;
  return next();
});
