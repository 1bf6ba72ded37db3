import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const runCheck = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/runbook-live.ts', 'docs-check', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DOCS_DIR: '' } });

describe('npm run docs:check', () => {
  it('passes the shipped content with exit 0', () => {
    const result = runCheck('content');
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^6 docs checked against _meta\/docs-contract.yaml: 0 errors, 0 warnings\n$/);
    expect(result.status).toBe(0);
  });

  it('prints one line per problem and exits 1', () => {
    const result = runCheck('test/fixtures/broken-docs');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(9);
    // Paths are repository-relative: the fixture folder is inside this repository.
    expect(lines).toContain("test/fixtures/broken-docs/runbooks/runbook-broken.md:5: error [status-not-allowed] status 'wip' is not allowed for type runbook; allowed: draft, active, deprecated");
    expect(lines).toContain("test/fixtures/broken-docs/adr/adr-0001-good.md:12: warning [broken-link] ADR-0404 (text): no doc has id 'ADR-0404'");
    expect(result.stderr).toContain('3 docs checked against the built-in default contract (this folder has no _meta/docs-contract.yaml): 7 errors, 2 warnings\n  error   folder-not-allowed: 1\n');
    expect(result.status).toBe(1);
  });

  it('prints the same as JSON with --json', () => {
    const result = runCheck('test/fixtures/broken-docs', '--json');
    const report = JSON.parse(result.stdout);
    expect(report.violations).toHaveLength(7);
    expect(report.brokenLinks).toHaveLength(2);
    expect(report.violations[0]).toMatchObject({ file: 'notes/stray.md', rule: 'folder-not-allowed' });
    expect(result.status).toBe(1);
  });

  it('exits 2 with a usable message for a folder that does not exist', () => {
    const result = runCheck('no/such/dir');
    expect(result.stderr).toContain('is not a folder. Pass the docs folder as the first argument or set DOCS_DIR.');
    expect(result.status).toBe(2);
  });
});
