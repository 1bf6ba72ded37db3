import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SqliteIncidentStore } from '../../../src/lib/incidents/sqlite-incident-store.ts';
import type { Incident } from '../../../src/lib/incidents/incident-record.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import type { RunbookRunRecord } from '../../../src/lib/runs/runbook-run-record.ts';
import { SqliteRunbookRunStore } from '../../../src/lib/runs/sqlite-runbook-run-store.ts';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { expectNothingLeftOfRuns, imageIdOf, removeImageTag, testDocker } from '../../support/docker-leftovers.ts';

// `runbook-live run` as a pipeline runs it: bin/runbook-live.mjs spawned with this Node (24),
// on the shipped content and runbook-live.yaml (or a copy with the Dockerfile broken), a
// fresh DATA_DIR per test, and the runner built under a tag of this file's own.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin/runbook-live.mjs');
const RUNBOOK = 'RUN-runner-image';
const STEPS = ['build-runner', 'inspect-runner', 'hardened-start', 'compose-build-runner', '4-build-on-the-production-host-2', 'contract-smoke'].map((name) => `${RUNBOOK}/${name}`);
const IMAGE = `runbook-live-test/runner-run-cli:${randomUUID().slice(0, 8)}`;

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dataDir: string;
let scratch: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<Cli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, DOCS_DIR: 'content', SYSTEMS_CONFIG: 'runbook-live.yaml', DATA_DIR: dataDir, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What the CLI left in this test's DATA_DIR: runs, runbook runs and incidents. */
function stored(): { runs: RunRecord[]; runbookRuns: RunbookRunRecord[]; incidents: Incident[] } {
  if (!existsSync(path.join(dataDir, 'runbook-live.sqlite'))) return { runs: [], runbookRuns: [], incidents: [] };
  const store = new SqliteRunStore(path.join(dataDir, 'runbook-live.sqlite'));
  try {
    return { runs: store.listRuns({ limit: 1000 }), runbookRuns: new SqliteRunbookRunStore(store.database).list(), incidents: new SqliteIncidentStore(store.database).list() };
  } finally {
    store.close();
  }
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'runbook-live-run-cli-'));
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await removeImageTag(IMAGE);
});

const freshDataDir = () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-data-'));
};
// A fresh DATA_DIR per test, so what is stored there is exactly that test's; nothing of its runs may be left on the engine.
afterEach(async () => {
  const runIds = stored().runs.map((run) => run.id);
  rmSync(dataDir, { recursive: true, force: true });
  await expectNothingLeftOfRuns(runIds);
});

describe('runbook-live run', () => {
  it('builds, inspects, starts, builds through compose and smoke-tests the shipped runbook in order, skips the manual step, and exits 0', async () => {
    freshDataDir();
    await removeImageTag(IMAGE);
    const junit = path.join(scratch, 'reports/run.xml');
    const result = await cli(['run', RUNBOOK, '--var', `RUNNER_IMAGE=${IMAGE}`, '--junit', junit]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(result.stdout).toMatch(/^✓ RUN-runner-image on local \(.+, runbook run [0-9a-f-]{36}\)$/m);
    expect(result.stdout).toMatch(/ {4}SKIPPED {3}RUN-runner-image\/4-build-on-the-production-host-2\n {14}manual step: line 1: ssh is not supported/);
    expect(await imageIdOf(IMAGE)).not.toBeNull();
    // The compose step built last under the tag, so the image carries compose's labels too.
    expect((await testDocker.getImage(IMAGE).inspect()).Config.Labels).toMatchObject({
      'com.docker.compose.project': 'skriptoteket',
      'com.docker.compose.service': 'runner',
      'org.skriptoteket.runner.contract': '2',
    });

    const { runs, runbookRuns } = stored();
    expect(runbookRuns).toHaveLength(1);
    const [runbookRun] = runbookRuns;
    expect(runbookRun).toMatchObject({ docId: RUNBOOK, target: 'local', status: 'passed', trigger: 'cli', keepGoing: false, failureKind: null });
    expect(runbookRun!.steps.map((s) => [s.blockId, s.status])).toEqual([
      [STEPS[0], 'passed'],
      [STEPS[1], 'passed'],
      [STEPS[2], 'passed'],
      [STEPS[3], 'passed'],
      [STEPS[4], 'skipped'],
      [STEPS[5], 'passed'],
    ]);
    // Each step is an ordinary run, with the override, started only after the one before it ended.
    const byId = new Map(runs.map((run) => [run.id, run]));
    const stepRuns = runbookRun!.steps.filter((s) => s.runId).map((s) => byId.get(s.runId!)!);
    expect(stepRuns.map((run) => run.blockId)).toEqual([STEPS[0], STEPS[1], STEPS[2], STEPS[3], STEPS[5]]);
    expect(stepRuns.every((run) => run.variables.RUNNER_IMAGE === IMAGE && run.trigger === 'cli')).toBe(true);
    for (const [before, after] of stepRuns.slice(0, -1).map((run, i) => [run, stepRuns[i + 1]!] as const)) {
      expect(Date.parse(after.startedAt!)).toBeGreaterThanOrEqual(Date.parse(before.finishedAt!));
    }
    expect(runs).toHaveLength(5);

    const text = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const report = xml.parse(text).testsuites;
    expect(report).toMatchObject({ '@tests': '6', '@failures': '0', '@errors': '0', '@skipped': '1' });
    expect(report.testsuite[0]['@name']).toBe(`${RUNBOOK} (local)`);
    expect(report.testsuite[0].testcase.map((c: Record<string, string>) => c['@name'])).toEqual(STEPS);
  });

  it('with a broken Dockerfile stops after the build, skips the rest, opens a build_failed incident and exits 1', async () => {
    freshDataDir();
    // A copy of the shipped content and examples, so the broken Dockerfile is this test's alone.
    const copy = mkdtempSync(path.join(scratch, 'broken-'));
    cpSync(path.join(ROOT, 'content'), path.join(copy, 'content'), { recursive: true });
    cpSync(path.join(ROOT, 'examples'), path.join(copy, 'examples'), { recursive: true });
    cpSync(path.join(ROOT, 'runbook-live.yaml'), path.join(copy, 'runbook-live.yaml'));
    appendFileSync(path.join(copy, 'examples/runner/Dockerfile.runner'), '\nRUN exit 3\n');

    const broken = `${IMAGE}-broken`;
    const result = await cli(['run', RUNBOOK, '--var', `RUNNER_IMAGE=${broken}`, '--json'], { DOCS_DIR: path.join(copy, 'content'), SYSTEMS_CONFIG: path.join(copy, 'runbook-live.yaml') });
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ passed: 0, failed: 1 });
    const [runbook] = report.runbooks;
    expect(runbook).toMatchObject({ id: RUNBOOK, status: 'failed', failureKind: 'build_failed' });
    expect(runbook.steps.map((s: { blockId: string; status: string }) => [s.blockId, s.status])).toEqual([
      [STEPS[0], 'failed'],
      [STEPS[1], 'skipped'],
      [STEPS[2], 'skipped'],
      [STEPS[3], 'skipped'],
      [STEPS[4], 'skipped'],
      [STEPS[5], 'skipped'],
    ]);
    expect(runbook.steps[1].reason).toBe('skipped: step build-runner failed');
    expect(runbook.steps[4].reason).toMatch(/^manual step: line 1: ssh is not supported \(it runs commands on another host\); to run it through the Docker engine on tools-host/);
    expect(await imageIdOf(broken)).toBeNull();

    const { runs, runbookRuns, incidents } = stored();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ blockId: STEPS[0], status: 'failed', failureKind: 'build_failed' });
    expect(runbookRuns).toMatchObject([{ id: runbook.runbookRunId, status: 'failed' }]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ blockId: STEPS[0], failureKind: 'build_failed', status: 'open', lastRunId: runs[0]!.id, section: { docId: RUNBOOK, title: 'The build fails' } });
    // The runbook run links the incident its failed step opened.
    expect(runbook.steps[0].incident).toEqual({ id: incidents[0]!.id, url: `/incidents/${incidents[0]!.id}` });
  });

  it('refuses usage errors with exit 2 before starting anything', async () => {
    freshDataDir();
    const cases: Array<[string[], RegExp]> = [
      [['run'], /name the runbooks to run by doc id/],
      [['run', 'RUN-nope'], /no doc has id 'RUN-nope'\nRunbooks with runnable steps:\n {2}RUN-runner-image/],
      [['run', 'ADR-0014'], /ADR-0014 has nothing to run: it has no shell or check blocks/],
      [['run', RUNBOOK, '--var', 'NOPE=1'], /--var NOPE: no step of the selected runbooks uses this variable; they take: RUNNER_IMAGE/],
      [['run', RUNBOOK, '--var', 'RUNNER_IMAGE=not an image'], /RUNNER_IMAGE: 'not an image' is not a valid image reference/],
      [['run', RUNBOOK, '--target', 'elsewhere'], /--target elsewhere: no such target; configured targets: local/],
      [['run', RUNBOOK, '--bogus'], /Unknown option '--bogus'/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    for (const [index, [args, message]] of cases.entries()) {
      expect(results[index]!.code, args.join(' ')).toBe(2);
      expect(results[index]!.stderr, args.join(' ')).toMatch(message);
    }
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
