import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a worker thread's module is, for the sources and the built server alike. The sources
 * run the TypeScript file directly (Node strips its types); the built server has it bundled
 * into dist/server/<name>.mjs (scripts/worker-bundles-integration.mjs), while the module asking
 * sits in dist/server or one of its chunk folders. `base` is the asking module's URL.
 */
export function locateWorkerModule(name: string, base: string): string {
  const candidates = [`./${name}.ts`, `./${name}.mjs`, `../${name}.mjs`, `../../${name}.mjs`];
  for (const candidate of candidates) {
    const file = fileURLToPath(new URL(candidate, base));
    if (existsSync(file)) return file;
  }
  throw new Error(`worker module ${name} not found next to ${fileURLToPath(base)} (looked for ${candidates.join(', ')}); rebuild with \`npm run build\`, which writes dist/server/${name}.mjs`);
}
