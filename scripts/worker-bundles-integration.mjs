// An Astro integration that bundles the worker threads' modules into the built server folder:
// src/lib/markdown/render-worker.ts as render-worker.mjs and src/lib/runs/prune-worker.ts as
// prune-worker.mjs. Vite bundles only what the server imports, and a worker thread is started
// from a file name, not imported; esbuild (which Vite already brings) bundles each beside
// entry.mjs, with packages left to Node's resolver as the server's own are.
import { fileURLToPath } from 'node:url';

/** Worker module name → its source, relative to this file. */
const WORKERS = {
  'render-worker': '../src/lib/markdown/render-worker.ts',
  'prune-worker': '../src/lib/runs/prune-worker.ts',
};

/** @returns {import('astro').AstroIntegration} */
export default function workerBundles() {
  /** @type {URL | null} */
  let serverDir = null;
  return {
    name: 'runbook-live:worker-bundles',
    hooks: {
      'astro:config:done': ({ config }) => {
        serverDir = config.build.server;
      },
      'astro:build:done': async ({ logger }) => {
        if (!serverDir) throw new Error('worker bundles: the build did not say where the server goes');
        const esbuild = await import('esbuild');
        for (const [name, source] of Object.entries(WORKERS)) {
          const outfile = fileURLToPath(new URL(`${name}.mjs`, serverDir));
          await esbuild.build({
            entryPoints: [fileURLToPath(new URL(source, import.meta.url))],
            outfile,
            bundle: true,
            platform: 'node',
            format: 'esm',
            target: 'node22',
            packages: 'external',
            logLevel: 'warning',
          });
          logger.info(`${name} bundled into ${outfile}`);
        }
      },
    },
  };
}
