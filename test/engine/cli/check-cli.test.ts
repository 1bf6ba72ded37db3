import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import { buildRunnerVariants, removeRunnerVariants, RUNNER_VARIANTS } from '../../support/runner-variants.ts';
import { managedContainersFor, managedVolumesFor } from '../../support/managed-containers.ts';
import { expectNothingLeftOfRuns, removeImageTag, testDocker } from '../../support/docker-leftovers.ts';
import { bash, makeWorld, type RunsWorld } from '../runs/harness.ts';

// `runbook-live check` as a pipeline runs it: bin/runbook-live.mjs spawned with this Node (24),
// the shipped content and runbook-live.yaml, and a fresh DATA_DIR per test.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin/runbook-live.mjs');
const CHECK = 'RUN-runner-image/contract-smoke';
// The variant under a tag of this file's own besides the variant's (also this file's own).
const WRONG_CONTRACT = `runbook-live-test/runner-wrong-contract-version:cli-${randomUUID().slice(0, 8)}`;

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, htmlEntities: true, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dataDir: string;
let scratch: string;

/** Spawns the launcher with the shipped docs and systems file unless `env` says otherwise. */
function cli(args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<Cli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, DOCS_DIR: 'content', SYSTEMS_CONFIG: 'runbook-live.yaml', DATA_DIR: dataDir, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every run the CLI stored in this test's DATA_DIR. */
function storedRuns(dir = dataDir): RunRecord[] {
  if (!existsSync(path.join(dir, 'runbook-live.sqlite'))) return [];
  const store = new SqliteRunStore(path.join(dir, 'runbook-live.sqlite'));
  try {
    return store.listRuns({ limit: 1000 });
  } finally {
    store.close();
  }
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

/** The JUnit file, checked for well-formedness first. */
function readJUnit(file: string) {
  const text = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(text)).toBe(true);
  return xml.parse(text).testsuites;
}

beforeAll(async () => {
  await buildRunnerVariants();
  await testDocker.getImage(RUNNER_VARIANTS.find((v) => v.name === 'wrong-contract-version')!.image).tag({ repo: WRONG_CONTRACT.split(':')[0], tag: WRONG_CONTRACT.split(':')[1] });
}, 180_000);

afterAll(async () => {
  await removeImageTag(WRONG_CONTRACT);
  await removeRunnerVariants();
});

describe('runbook-live check', () => {
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'runbook-live-cli-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  let dataDirs: string[] = [];
  const freshDataDir = () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-data-'));
    dataDirs.push(dataDir);
  };
  // A fresh DATA_DIR per test, so the runs stored there are exactly that test's runs.
  afterEach(async () => {
    const runIds = dataDirs.flatMap((dir) => storedRuns(dir).map((run) => run.id));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    dataDirs = [];
    // Removes what is left (of these runs only) and fails naming the test.
    await expectNothingLeftOfRuns(runIds);
    for (const runId of runIds) {
      expect(await managedContainersFor(runId), `containers of run ${runId}`).toEqual([]);
      expect(await managedVolumesFor(runId), `volumes of run ${runId}`).toEqual([]);
    }
  });

  it('passes the shipped contract smoke check by its short name and writes a JUnit file', async () => {
    freshDataDir();
    const junit = path.join(scratch, 'reports/pass.xml');
    const result = await cli(['check', 'contract-smoke', '--junit', junit]);
    expect(result.code, result.stderr).toBe(0);
    expect(lastLine(result.stdout)).toBe('1 passed, 0 failed');
    expect(result.stdout).toMatch(/^✓ RUN-runner-image\/contract-smoke on local \(.+, run [0-9a-f-]{36}\)$/m);
    expect(result.stdout).toContain('PASSED  result.json is contract v2  [ADR-0015#result-shape]');

    const report = readJUnit(junit);
    expect(report).toMatchObject({ '@name': 'runbook-live', '@tests': '12', '@failures': '0', '@errors': '0', '@skipped': '0' });
    expect(report.testsuite).toHaveLength(1);
    expect(report.testsuite[0]['@name']).toBe(`${CHECK} (local)`);
    expect(report.testsuite[0].testcase).toHaveLength(12);
    expect(report.testsuite[0].testcase.every((c: Record<string, unknown>) => c['@classname'] === CHECK)).toBe(true);

    // Stored like a run from the page, so the web UI lists it.
    const runs = storedRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ blockId: CHECK, status: 'passed', trigger: 'cli', target: 'local', variables: { RUNNER_IMAGE: 'skriptoteket-runner:latest' } });
    expect(runs[0]!.actor).toMatch(/^cli@.+/);
    expect(report.testsuite[0].properties.property).toContainEqual({ '@name': 'run_id', '@value': runs[0]!.id });
  });

  it('fails on a runner with the wrong contract version, naming exactly the result-shape assertion', async () => {
    freshDataDir();
    const junit = path.join(scratch, 'wrong.xml');
    const result = await cli(['check', CHECK, '--var', `RUNNER_IMAGE=${WRONG_CONTRACT}`, '--junit', junit]);
    expect(result.code, result.stderr).toBe(1);
    expect(lastLine(result.stdout)).toBe('0 passed, 1 failed');
    expect(result.stdout).toMatch(/^✗ RUN-runner-image\/contract-smoke on local/m);
    expect(result.stdout).toMatch(/FAILED {2}result\.json is contract v2 {2}\[ADR-0015#result-shape\]\n {12}expected: matches REF-runner-contract#runner-result-v2\n {12}got: {6}\/contract_version: expected 2, got 1/);

    const report = readJUnit(junit);
    expect(report).toMatchObject({ '@tests': '12', '@failures': '1', '@errors': '0' });
    const failed = report.testsuite[0].testcase.filter((c: Record<string, unknown>) => c.failure !== undefined);
    expect(failed).toHaveLength(1);
    expect(failed[0]['@name']).toBe('result.json is contract v2');
    expect(failed[0].failure['@message']).toMatch(/^expected matches REF-runner-contract#runner-result-v2; got \/contract_version: expected 2, got 1 \(ADR-0015#result-shape\)$/);
    expect(failed[0].failure['#text']).toContain('because ADR-0015#result-shape');

    expect(storedRuns()).toMatchObject([{ status: 'failed', failureKind: 'contract_violation', variables: { RUNNER_IMAGE: WRONG_CONTRACT } }]);
  });

  it('prints one JSON object with --json', async () => {
    freshDataDir();
    const result = await cli(['check', CHECK, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ passed: 1, failed: 0, errors: 0 });
    expect(report.checks).toHaveLength(1);
    const [check] = report.checks;
    expect(check).toMatchObject({ id: CHECK, kind: 'check', target: 'local', status: 'passed', verdict: 'passed', failureKind: null, runId: storedRuns()[0]!.id });
    expect(check.verdicts).toHaveLength(12);
    expect(check.verdicts[4]).toMatchObject({ label: 'result.json is contract v2', status: 'passed', because: 'ADR-0015#result-shape' });
  });

  it('refuses an unknown check id with exit 2, listing the checks, and starts nothing', async () => {
    freshDataDir();
    const result = await cli(['check', 'no-such-check']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("no check has id 'no-such-check'");
    expect(result.stderr).toContain('Available checks:\n  RUN-runner-image/hardened-start\n  RUN-runner-image/contract-smoke\n');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses other usage errors with exit 2 before starting anything', async () => {
    freshDataDir();
    const cases: Array<[string[], RegExp]> = [
      [['check'], /name the checks to run, or pass --all/],
      [['check', '--all', CHECK], /either --all or check ids/],
      [['check', CHECK, '--var', 'RUNNER_IMAGE=not an image'], /RUNNER_IMAGE: 'not an image' is not a valid image reference/],
      [['check', CHECK, '--var', 'NOPE=1'], /--var NOPE: no selected check uses this variable; they take: RUNNER_IMAGE/],
      [['check', CHECK, '--target', 'elsewhere'], /--target elsewhere: no such target; configured targets: local/],
      [['check', 'build-runner'], /'build-runner' is a procedure, not a check/],
      [['check', '--bogus'], /Unknown option '--bogus'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    for (const [index, [args, message]] of cases.entries()) {
      expect(results[index]!.code, args.join(' ')).toBe(2);
      expect(results[index]!.stderr, args.join(' ')).toMatch(message);
    }
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('reports checks that cannot run as errors, and procedures marked check as single cases', async () => {
    freshDataDir();
    const world: RunsWorld = makeWorld({
      systemsYaml: [
        'targets:',
        '  local: { url: unix:///var/run/docker.sock }',
        `  gone: { url: unix://${path.join(tmpdir(), `no-engine-${randomUUID().slice(0, 8)}.sock`)} }`,
        'systems:',
        `  here: { dir: ${ROOT}, targets: [local] }`,
        `  far: { dir: ${ROOT}, targets: [gone] }`,
      ].join('\n'),
      runbooks: {
        'runbook-here.md': {
          system: 'here',
          body: [
            '## Checks',
            bash('check name=base-present', 'docker image inspect python:3.13-slim'),
            bash('check name=missing-image', 'docker image inspect runbook-live-test/never-built:none'),
            '```yaml { check name=broken-spec }\nimage: python:3.13-slim\nexpect: nope\n```\n',
            bash('name=not-a-check', 'docker image inspect python:3.13-slim'),
          ].join('\n'),
        },
        'runbook-far.md': { system: 'far', body: `## Far\n\n${bash('check name=far-away', 'docker image inspect python:3.13-slim')}` },
      },
    });
    try {
      const junit = path.join(scratch, 'errors.xml');
      const result = await cli(['check', '--all', '--junit', junit], { ...world.env, DATA_DIR: dataDir });
      expect(result.code, result.stderr).toBe(1);
      expect(lastLine(result.stdout)).toBe('1 passed, 3 failed');
      expect(result.stdout).toMatch(/^✓ RUN-here\/base-present on local/m);
      expect(result.stdout).toMatch(/^✗ RUN-here\/broken-spec\n {4}not runnable: the check spec is invalid/m);
      expect(result.stdout).toMatch(/^✗ RUN-far\/far-away on gone .*\n {4}docker_unreachable: /m);
      expect(result.stdout).not.toContain('not-a-check');

      const report = readJUnit(junit);
      expect(report).toMatchObject({ '@tests': '4', '@failures': '0', '@errors': '3' });
      const byName = Object.fromEntries(report.testsuite.map((s: { testcase: Array<Record<string, unknown>> }) => [s.testcase[0]!['@name'], s.testcase[0]]));
      expect(byName['RUN-here/base-present'].error).toBeUndefined();
      expect(byName['RUN-here/missing-image'].error['@type']).toBe('image_not_found');
      expect(byName['RUN-here/broken-spec'].error['@type']).toBe('not_runnable');
      expect(byName['RUN-far/far-away'].error['@type']).toBe('docker_unreachable');

      // Only the runnable ones became runs; the broken spec never started.
      expect(storedRuns().map((r) => r.blockId).sort()).toEqual(['RUN-far/far-away', 'RUN-here/base-present', 'RUN-here/missing-image']);
    } finally {
      world.cleanup();
    }
  });

  it('runs from its compiled bundle where Node cannot strip types, and says which Node it needs to run the sources', async () => {
    freshDataDir();
    const bundled = await cli(['--help'], {}, ['--no-experimental-strip-types']);
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toMatch(/^Usage: runbook-live <command>/);
    const fromSource = await cli(['check', '--all'], { RUNBOOK_LIVE_CLI_FROM_SOURCE: '1' }, ['--no-experimental-strip-types']);
    expect(fromSource.code).toBe(2);
    expect(fromSource.stderr).toMatch(/^runbook-live needs Node to strip TypeScript types/);
  });
});
