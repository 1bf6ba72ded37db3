// @ts-check
import node from '@astrojs/node';

/**
 * @astrojs/node in standalone mode, with its server entry swapped for ./entry.ts. The adapter's
 * static handler answers files from dist/client (styles, icon, /_astro/ bundles) before any
 * Astro middleware runs, so only a wrapper around its request handler can give those responses
 * the security headers too. Everything else (options, build, `dist/server/entry.mjs`) is the
 * adapter's own.
 * @param {Parameters<typeof node>[0]} options
 * @returns {import('astro').AstroIntegration}
 */
export function guardedNodeAdapter(options) {
  const integration = node(options);
  const configDone = integration.hooks['astro:config:done'];
  return {
    ...integration,
    hooks: {
      ...integration.hooks,
      'astro:config:done': (params) =>
        configDone?.({
          ...params,
          setAdapter: (adapter) => params.setAdapter({ ...adapter, serverEntrypoint: new URL('./entry.ts', import.meta.url) }),
        }),
    },
  };
}
