import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundledEntry, sourceStamp } from '../../../bin/cli-bundle.mjs';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const run = (entry: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [entry, 'docs-check', 'test/fixtures/broken-docs', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DOCS_DIR: '', ...env } });

describe('the compiled CLI', () => {
  it('answers exactly as the TypeScript sources do', () => {
    const fromBundle = run('bin/runbook-live.mjs');
    const fromSource = run('bin/runbook-live.mjs', { RUNBOOK_LIVE_CLI_FROM_SOURCE: '1' });
    expect(fromBundle.status).toBe(1);
    expect(fromBundle.stdout.length).toBeGreaterThan(100);
    expect(fromBundle.stdout).toBe(fromSource.stdout);
    expect(fromBundle.stderr).toBe(fromSource.stderr);
  });

  it('is built for the current sources and kept under node_modules/.cache', async () => {
    const entry: string | null = await bundledEntry();
    expect(entry).not.toBeNull();
    expect(existsSync(entry!)).toBe(true);
    expect(path.relative(ROOT, entry!)).toBe(path.join('node_modules/.cache/runbook-live-cli', sourceStamp(), 'runbook-live.js'));
  });

  it('gets a new key when any source file changes, so a stale bundle is never run', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cli-stamp-'));
    try {
      mkdirSync(path.join(root, 'src/cli'), { recursive: true });
      mkdirSync(path.join(root, 'src/lib/docs'), { recursive: true });
      writeFileSync(path.join(root, 'src/cli/main.ts'), 'export {};\n');
      const source = path.join(root, 'src/lib/docs/a.ts');
      writeFileSync(source, 'export const a = 1;\n');
      const first = sourceStamp(root);
      expect(sourceStamp(root)).toBe(first);
      utimesSync(source, new Date(), new Date(Date.now() + 5_000));
      const touched = sourceStamp(root);
      expect(touched).not.toBe(first);
      writeFileSync(path.join(root, 'src/lib/docs/b.ts'), 'export const b = 2;\n');
      expect(sourceStamp(root)).not.toBe(touched);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
