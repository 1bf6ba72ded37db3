import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Vitest global setup: builds the server once, so e2e and engine tests run the real build. */
export default function buildSite(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], {
    cwd: root,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: 'inherit',
  });
}
