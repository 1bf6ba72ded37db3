// @ts-check
import { defineConfig } from 'astro/config';
import { guardedNodeAdapter } from './src/server/guarded-node-adapter.mjs';
import workerBundles from './scripts/worker-bundles-integration.mjs';
import { THEME_BOOT_SCRIPT_HASH } from './src/lib/http/theme-boot-script.ts';

// The server executes procedures against a Docker host, so it listens on loopback
// unless an operator opts in to something wider with HOST.
export default defineConfig({
  output: 'server',
  // @astrojs/node standalone, its static files given the security headers too (see the file).
  adapter: guardedNodeAdapter({ mode: 'standalone' }),
  // Doc bodies render in worker threads; the worker's file must be in the build too.
  integrations: [workerBundles()],
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) },
  devToolbar: { enabled: false },
  // Astro's check only knows form posts; src/lib/http/origin-guard.ts refuses cross-origin
  // requests with a JSON error, and the API accepts JSON bodies only.
  security: {
    checkOrigin: false,
    // Pages carry a CSP header: Astro hashes every script and style it emits, so no inline
    // script runs unless Astro put it there. Style attributes stay allowed (style-src-attr):
    // Shiki's token colours and ansi-to-html's log colours are inline style attributes, and
    // an attribute cannot run script. frame-ancestors only works as a header, as here.
    csp: {
      directives: ["default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "img-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'"],
      // The layout's one inline script (the theme applied before first paint) is not one Astro
      // bundles, so its hash is added here from the same text the layout prints.
      scriptDirective: { hashes: [THEME_BOOT_SCRIPT_HASH] },
      styleDirective: { resources: ["'self'", { resource: "'unsafe-inline'", kind: 'attribute' }] },
    },
  },
});
