import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';
import { ROOT, RunsApi } from '../runs/harness.ts';
import { checkStep, expectNothingLeftOf } from './support.ts';

// A second system that shares nothing with the shipped runner: the greeter web service of
// test/fixtures/systems/greeter, with its own fixture and schema blocks in its own docs and
// its own systems configuration. runbook-live checks it as it is, with no code of its own.

const SYSTEM = path.join(ROOT, 'test/fixtures/systems/greeter');
const TAG = `file-${randomUUID().slice(0, 8)}`;
const IMAGE = `runbook-live-test/greeter:${TAG}`;
/** The greeter built with a configuration format the contract does not describe. */
const NEWER = `runbook-live-test/greeter-config-v2:${TAG}`;
const CHECK = 'RUN-greeter/config-smoke';

function docker(args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOCKER_HOST: process.env.DOCKER_TEST_URL ?? process.env.DOCKER_HOST },
  });
}

let server: RunningServer;
let api: RunsApi;
let dataDir: TempDocs;

beforeAll(async () => {
  docker(['build', '-q', '-t', IMAGE, path.join(SYSTEM, 'app')]);
  docker(['build', '-q', '--build-arg', 'CONFIG_VERSION=2', '-t', NEWER, path.join(SYSTEM, 'app')]);
  dataDir = makeTempDocs();
  server = await startServer({ DOCS_DIR: path.join(SYSTEM, 'docs'), DATA_DIR: dataDir.dir, SYSTEMS_CONFIG: path.join(SYSTEM, 'runbook-live.yaml') });
  api = new RunsApi(server);
});

afterEach(async ({ task }) => {
  await api.expectNoLeftovers(task);
});

afterAll(async () => {
  try {
    await api?.expectNoLeftovers();
    for (const runId of api?.runIds ?? []) await expectNothingLeftOf(runId);
  } finally {
    await server?.stop();
    dataDir?.cleanup();
    docker(['image', 'rm', '--force', IMAGE, NEWER]);
  }
});

describe('the greeter, a second system declared only in its docs', () => {
  it('lists its check as runnable, with the fixture and schema blocks of its reference as declarations', async () => {
    const blocks = await api.blocks('REF-greeter-config');
    expect(blocks.map((b) => [b.id, b.kind, b.reason])).toEqual([
      ['REF-greeter-config/greeter-site', 'fixture', null],
      ['REF-greeter-config/effective-config', 'schema', null],
    ]);
    const check = await api.block(CHECK);
    expect(check).toMatchObject({ runnable: true, reason: null, steps: ['check'], targets: ['local'] });
    expect(check.variables).toEqual([expect.objectContaining({ name: 'GREETER_IMAGE', kind: 'image' })]);
  });

  it('passes: the service read the layout, the check own settings and both pages, and wrote a valid configuration', async () => {
    const started = await api.start(CHECK, { vars: { GREETER_IMAGE: IMAGE } });
    const run = await api.waitFinished(started.id, 30_000);
    const step = checkStep(run);
    expect(step.verdicts.map((v) => [v.label, v.status])).toEqual([
      ['exit code is 0', 'passed'],
      ['the configuration it serves with is valid', 'passed'],
      ['its own settings replace the layout\'s, and both pages are indexed', 'passed'],
      ['/srv/greeter/state/greeter.conf matches /^port = 9090$/', 'passed'],
      ['stdout contains “greeter: 2 page(s) on port 9090”', 'passed'],
      ['image sets GREETER_CONFIG_VERSION', 'passed'],
      ['the tool ran as a non-root uid', 'passed'],
      ['root file system was read-only', 'passed'],
      ['network mode was none', 'passed'],
    ]);
    expect(run).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(run.logs.map((l) => l.text)).toContain(
      '[runbook-live] placed 5 file(s) in /srv/greeter: /srv/greeter/state/, /srv/greeter/settings.json, /srv/greeter/pages/hello.html, /srv/greeter/pages/about/index.html, /srv/greeter/pages.json',
    );
    await expectNothingLeftOf(run.id);
  });

  it('fails exactly the schema assertion, with the JSON pointer and the values, for a greeter writing another config version', async () => {
    const started = await api.start(CHECK, { vars: { GREETER_IMAGE: NEWER } });
    const run = await api.waitFinished(started.id, 30_000);
    const step = checkStep(run);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'contract_violation', message: '1 of 9 assertions failed: the configuration it serves with is valid' });
    expect(step.verdicts.filter((v) => v.status !== 'passed')).toEqual([
      {
        index: 1,
        label: 'the configuration it serves with is valid',
        status: 'failed',
        expected: 'matches REF-greeter-config#effective-config',
        actual: '/config_version: expected 1, got 2',
        because: 'REF-greeter-config#effective-configuration',
      },
    ]);
    await expectNothingLeftOf(run.id);
  });

  it('renders the schema with the check validating against it, and its latest verdict', async () => {
    const page = await (await fetch(`${server.url}/docs/REF-greeter-config`)).text();
    expect(page).toContain('id="block-greeter-site"');
    const validated = /<li class="schema-entry" id="validated-by-effective-config"[\s\S]*?<\/ul>/.exec(page)?.[0] ?? '';
    expect(validated).toContain(CHECK);
    expect(validated).toMatch(/data-status="(passed|failed)"/);
  });
});
