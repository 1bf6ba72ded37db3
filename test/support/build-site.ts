import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Vitest global setup: builds the server once, so e2e and engine tests run the real build.
 * UNIT_ONLY=1 skips it for runs of unit tests alone, which never start the server.
 */
export default function buildSite(): void {
  if (process.env.UNIT_ONLY === '1') return;
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], {
    cwd: root,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: 'inherit',
  });
}
