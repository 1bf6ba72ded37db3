import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

/** Where each test run builds its own server; inside node_modules, so the build resolves the project's packages. */
const TEST_BUILDS_DIR = path.resolve(import.meta.dirname, '../../node_modules/.cache/runbook-live-test-builds');

/**
 * Vitest global setup: builds the server once, so e2e and engine tests run the real build.
 * Each test run builds into a folder of its own (named in RUNBOOK_LIVE_TEST_BUILD, which the
 * test workers inherit) instead of the shared dist/: a second run in the same checkout would
 * otherwise rewrite dist/ under this run's servers, which then fail to start or answer 500
 * from a half-written chunk. The teardown removes the folder. UNIT_ONLY=1 skips the build
 * for runs of unit tests alone, which never start the server.
 */
export default function buildSite(): () => void {
  if (process.env.UNIT_ONLY === '1') return () => {};
  const root = path.resolve(import.meta.dirname, '../..');
  const outDir = path.join(TEST_BUILDS_DIR, `run-${process.pid}-${Date.now()}`);
  execFileSync(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', outDir], {
    cwd: root,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: 'inherit',
  });
  process.env.RUNBOOK_LIVE_TEST_BUILD = outDir;
  return () => rmSync(outDir, { recursive: true, force: true });
}
