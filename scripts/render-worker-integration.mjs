// An Astro integration that bundles the render worker (src/lib/markdown/render-worker.ts) into
// the built server folder as render-worker.mjs. Vite bundles only what the server imports, and a
// worker thread is started from a file name, not imported; esbuild (which Vite already brings)
// bundles it beside entry.mjs, with packages left to Node's resolver as the server's own are.
import { fileURLToPath } from 'node:url';

/** @returns {import('astro').AstroIntegration} */
export default function renderWorker() {
  /** @type {URL | null} */
  let serverDir = null;
  return {
    name: 'runbook-live:render-worker',
    hooks: {
      'astro:config:done': ({ config }) => {
        serverDir = config.build.server;
      },
      'astro:build:done': async ({ logger }) => {
        if (!serverDir) throw new Error('render worker: the build did not say where the server goes');
        const esbuild = await import('esbuild');
        const outfile = fileURLToPath(new URL('render-worker.mjs', serverDir));
        await esbuild.build({
          entryPoints: [fileURLToPath(new URL('../src/lib/markdown/render-worker.ts', import.meta.url))],
          outfile,
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node22',
          packages: 'external',
          logLevel: 'warning',
        });
        logger.info(`render worker bundled into ${outfile}`);
      },
    },
  };
}
