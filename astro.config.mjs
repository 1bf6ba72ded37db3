// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import renderWorker from './scripts/render-worker-integration.mjs';

// The server executes procedures against a Docker host, so it listens on loopback
// unless an operator opts in to something wider with HOST.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Doc bodies render in worker threads; the worker's file must be in the build too.
  integrations: [renderWorker()],
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) },
  devToolbar: { enabled: false },
  // Astro's check only knows form posts; src/lib/http/origin-guard.ts refuses cross-origin
  // requests with a JSON error, and the API accepts JSON bodies only.
  security: { checkOrigin: false },
});
