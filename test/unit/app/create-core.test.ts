import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCore, readSetup, startOnce } from '../../../src/lib/app/index.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

// The core is what the server, the CLI and the engine tests all build; here in `cli` mode,
// which touches no Docker engine until a run starts.
let docs: TempDocs;
let work: string;

afterEach(() => {
  docs?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

function world(): { docsDir: string; dataDir: string; systemsConfig: string } {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-core-'));
  docs = makeTempDocs();
  docs.write(
    'runbooks/runbook-demo.md',
    doc({ type: 'runbook', id: 'RUN-demo', title: 'Demo', status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, '## Checks\n\n```bash { name=probe check every=5m }\ndocker image inspect python:3.13-slim\n```\n'),
  );
  const systemsConfig = path.join(work, 'runbook-live.yaml');
  writeFileSync(systemsConfig, `systems:\n  demo:\n    dir: ${work}\n`);
  return { docsDir: docs.dir, dataDir: path.join(work, 'data'), systemsConfig };
}

describe('createCore', () => {
  it('builds docs, catalog, runs, incidents and the dashboard over one database, and close() ends it', async () => {
    const config = world();
    const core = await createCore(config, { mode: 'cli' });
    expect(core.systemsProblem).toBeNull();
    expect(core.pages).toBeNull();
    const dashboard = await core.dashboard.load();
    expect(dashboard.rows.map((row) => [row.key, row.status])).toEqual([['RUN-demo/probe@local', 'never run']]);
    expect(core.runs.list()).toEqual([]);
    expect(core.incidents.list()).toEqual([]);
    expect(existsSync(path.join(config.dataDir, 'runbook-live.sqlite'))).toBe(true);
    await core.close();
    await core.close();
    expect(() => core.runs.list()).toThrow(/database is not open/);
  });

  it('in server mode, asks no engine until startBackground(), then probes its targets', async () => {
    const config = world();
    // An engine that is not there answers at once (ENOENT), so the probe's result is quick to see.
    writeFileSync(config.systemsConfig, `targets:\n  local: { url: "unix://${work}/no-engine.sock" }\nsystems:\n  demo:\n    dir: ${work}\n`);
    const core = await createCore(config, { mode: 'server' });
    try {
      const health = () => core.health.snapshot().find((target) => target.name === 'local')!;
      // Several turns pass with nothing asked: the first page is never held up by an engine.
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(health()).toMatchObject({ reachable: null, checkedAt: null });
      core.startBackground();
      core.startBackground();
      await vi.waitFor(() => expect(health()).toMatchObject({ reachable: false, error: expect.stringContaining('no-engine.sock') }));
    } finally {
      await core.close();
    }
  });

  it('keeps docs readable with an unusable systems file, and says why', async () => {
    const config = world();
    writeFileSync(config.systemsConfig, 'targets: [not, a, map]\n');
    const setup = readSetup(config);
    expect(setup.systemsProblem).toMatch(/runbook-live\.yaml is not a valid systems configuration:\n {2}- targets: /);
    expect(setup.targets.names()).toEqual(['local']);
    expect((await setup.docs.current()).docs.map((d) => d.id)).toEqual(['RUN-demo']);
  });

  it('fails to start on a data folder it cannot create, and starts on the next try once it can', async () => {
    const config = world();
    // A file where the data folder should be: SQLite cannot open a database under it.
    writeFileSync(config.dataDir, 'not a folder');
    const core = startOnce(() => createCore(config, { mode: 'cli' }));
    await expect(core()).rejects.toThrow(/EEXIST|ENOTDIR|not a directory|unable to open/i);
    rmSync(config.dataDir);
    const started = await core();
    expect(started.runs.list()).toEqual([]);
    expect(await core()).toBe(started);
    await started.close();
  });
  it('holds webhook deliveries when the secret is configured but not set, and says so once, naming the variable', async () => {
    const config = world();
    const variable = `RUNBOOK_LIVE_TEST_UNSET_${process.pid}`;
    writeFileSync(config.systemsConfig, `systems:\n  demo:\n    dir: ${work}\nnotifications:\n  webhook: { url: "http://127.0.0.1:9/hook", secret_env: ${variable} }\n`);
    const warnings: string[] = [];
    const core = await createCore(config, { mode: 'cli', warn: (message) => warnings.push(message) });
    try {
      const held = `${config.systemsConfig}: notifications.webhook.secret_env: the environment variable ${variable} is not set; webhook deliveries are held (recorded, not sent) until it is fixed and the server restarts`;
      expect(core.webhooks.held).toBe(held);
      expect(warnings).toEqual([`runbook-live: ${held}`]);
      expect(core.webhooks.counts()).toEqual({ pending: 0, delivered: 0, failed: 0 });
    } finally {
      await core.close();
    }
  });
});
