import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildRunnerVariants, GOOD_RUNNER_IMAGE, removeRunnerVariants, RUNNER_VARIANTS } from '../../support/runner-variants.ts';
import { imageIdOf } from '../../support/docker-leftovers.ts';
import type { RunningServer } from '../../support/server.ts';
import type { RunJson, RunsApi } from '../runs/harness.ts';
import { CHECK_BLOCK, checkStep, expectNothingLeftOf, labelsWith, shippedExpectations, startShippedServer } from './support.ts';

// The SHIPPED contract check (content/runbooks/runbook-runner-image.md, block contract-smoke)
// run through the HTTP API of the built server on the shipped runbook-live.yaml: against the
// example runner it passes, and against every known-bad variant exactly the one expectation
// that variant breaks fails. The check is built from REF-runner-contract's runner-work
// fixture and its schema blocks; the runner is built from this checkout, under a tag of the
// file's own, and every variant is built on top of it.

const GOOD_RUNNER = GOOD_RUNNER_IMAGE;

/** The one expectation (by its `name` in the runbook) each known-bad variant must fail. */
const BREAKS: Record<string, string> = {
  'runs-as-root': 'the image declares a non-root user',
  'wrong-contract-version': 'result.json is contract v2',
  'artifact-escapes-output': 'artifacts stay under output/',
  'ignores-memory-path': 'saved settings reach the tool',
  'no-result-json': 'result.json is written',
  'hangs-past-timeout': 'the runner exits 0 after writing its result',
};

let server: RunningServer;
let api: RunsApi;
let stopServer: () => Promise<void>;

beforeAll(async () => {
  await buildRunnerVariants(GOOD_RUNNER);
  ({ server, api, cleanup: stopServer } = await startShippedServer());
});

// The variant runs are started in a beforeAll, so they belong to no test: the afterAll checks them.
afterEach(async ({ task }) => {
  await api.expectNoLeftovers(task);
});

afterAll(async () => {
  try {
    // Every run of this file, whoever started it; never other runs' resources on the engine.
    await api?.expectNoLeftovers();
    for (const runId of api?.runIds ?? []) await expectNothingLeftOf(runId);
  } finally {
    await stopServer?.();
    await removeRunnerVariants();
  }
});

describe('the shipped contract-smoke check', () => {
  it('is listed as a runnable check on the shipped runbook, using RUNNER_IMAGE', async () => {
    const block = await api.block(CHECK_BLOCK);
    expect(block).toMatchObject({ id: CHECK_BLOCK, name: 'contract-smoke', runnable: true, steps: ['check'], targets: ['local'] });
    expect(block.variables).toEqual([expect.objectContaining({ name: 'RUNNER_IMAGE', default: 'skriptoteket-runner:latest', kind: 'image' })]);
    expect(server.url).toMatch(/^http:/);
  });

  it('passes against the example runner: 12 verdicts, all passed, each citing what the runbook cites', async () => {
    const spec = shippedExpectations();
    expect(spec).toHaveLength(12);

    const started = await api.start(CHECK_BLOCK, { vars: { RUNNER_IMAGE: GOOD_RUNNER } });
    const run = await api.waitFinished(started.id, 30_000);
    expect(run, run.message ?? '').toMatchObject({ status: 'passed', failureKind: null, exitCode: 0, imageId: await imageIdOf(GOOD_RUNNER) });

    const step = checkStep(run);
    expect(step).toMatchObject({ kind: 'check', image: GOOD_RUNNER, exitCode: 0, timedOut: false, counts: { passed: 12, failed: 0, skipped: 0 } });
    expect(step.verdicts.map((v) => v.status)).toEqual(Array(12).fill('passed'));
    expect(step.verdicts.map((v) => v.index)).toEqual(spec.map((_, i) => i));
    // Every verdict carries the clause its expectation cites, in the runbook's order.
    expect(step.verdicts.map((v) => v.because)).toEqual(spec.map((e) => e.because));
    expect(step.verdicts.every((v) => typeof v.because === 'string' && /^[A-Z]+-[\w-]+#[\w.-]+$/.test(v.because))).toBe(true);
    // Named expectations are labelled with their name.
    step.verdicts.forEach((verdict, i) => {
      if (spec[i]!.name) expect(verdict.label).toBe(spec[i]!.name);
    });
    expect(run.logs.some((l) => l.stream === 'stdout' && /Contract smoke: 2 setting\(s\), 2\/2 input\(s\) ok/.test(l.text))).toBe(true);
    // The fixture's layout and the check's own files went into the one volume, the manifest last.
    expect(run.logs.map((l) => l.text)).toContain(
      '[runbook-live] placed 7 file(s) in /work: /work/input/, /work/output/, /work/script.py, /work/memory.json, /work/input/grades.csv, /work/input/notes.txt, /work/input/manifest.json',
    );

    await expectNothingLeftOf(run.id);
  });
});

describe('each known-bad runner variant fails exactly its expectation', () => {
  // All six are POSTed at once (the hanging one first, so its 20 s overlap the others);
  // the server runs two at a time and each test waits for its own run.
  const runs = new Map<string, Promise<RunJson>>();

  beforeAll(async () => {
    const ordered = [...RUNNER_VARIANTS].sort((a, b) => Number(b.name === 'hangs-past-timeout') - Number(a.name === 'hangs-past-timeout'));
    const block = await api.block(CHECK_BLOCK);
    for (const variant of ordered) {
      const { status, body } = await api.post({ block: CHECK_BLOCK, hash: block.hash, vars: { RUNNER_IMAGE: variant.image } });
      expect(status, JSON.stringify(body)).toBe(202);
      expect(body.joined).toBe(false);
      const finished = api.waitFinished(body.id as string, 90_000);
      finished.catch(() => {}); // reported by the variant's own test
      runs.set(variant.name, finished);
    }
  });

  it('covers every variant there is', () => {
    expect(Object.keys(BREAKS).sort()).toEqual(RUNNER_VARIANTS.map((v) => v.name).sort());
    const spec = shippedExpectations();
    for (const label of Object.values(BREAKS)) expect(spec.map((e) => e.name)).toContain(label);
  });

  for (const variant of RUNNER_VARIANTS) {
    const broken = BREAKS[variant.name]!;
    const hangs = variant.name === 'hangs-past-timeout';

    it(`${variant.name}: fails “${broken}”${hangs ? ' (killed at the 20 s timeout)' : ''}`, async () => {
      const run = await runs.get(variant.name)!;
      expect(run.variables).toEqual({ RUNNER_IMAGE: variant.image });
      expect(run, run.message ?? '').toMatchObject({
        status: 'failed',
        failureKind: hangs ? 'timeout' : 'contract_violation',
        imageId: await imageIdOf(variant.image),
      });
      const step = checkStep(run);
      expect(step.image).toBe(variant.image);
      expect(step.verdicts).toHaveLength(12);
      expect(labelsWith(step, 'failed')).toEqual([broken]);
      expect(run.message).toBe(`1 of 12 assertions failed: ${broken}`);

      const spec = shippedExpectations();
      const failed = step.verdicts.find((v) => v.status === 'failed')!;
      expect(failed.because).toBe(spec.find((e) => e.name === broken)!.because);

      if (variant.name === 'wrong-contract-version') {
        // The schema block's verdict names the JSON pointer, what the schema wanted and what was written.
        expect(failed).toMatchObject({ expected: 'matches REF-runner-contract#runner-result-v2', actual: '/contract_version: expected 2, got 1' });
      }
      if (variant.name === 'artifact-escapes-output') {
        expect(failed.actual).toMatch(/^\/artifacts\/\d+\/path: expected a string matching \/\^output\/.*, got "output\/\.\.\/escaped\.txt"$/);
      }

      if (variant.name === 'no-result-json') {
        // Shape and artifact paths have no file to judge: skipped, not failed.
        expect(labelsWith(step, 'skipped').sort()).toEqual(['artifacts stay under output/', 'result.json is contract v2']);
        expect(step.counts).toEqual({ passed: 9, failed: 1, skipped: 2 });
      } else {
        expect(labelsWith(step, 'skipped')).toEqual([]);
        expect(step.counts).toEqual({ passed: 11, failed: 1, skipped: 0 });
      }

      if (hangs) {
        expect(step).toMatchObject({ timedOut: true, exitCode: null });
        expect(failed.actual).toBe('killed after the 20 s timeout');
        const ran = Date.parse(run.finishedAt!) - Date.parse(run.startedAt!);
        expect(ran).toBeGreaterThanOrEqual(20_000);
        expect(ran).toBeLessThan(30_000);
      } else {
        expect(step).toMatchObject({ timedOut: false, exitCode: 0 });
        expect(run.exitCode).toBe(0);
      }

      await expectNothingLeftOf(run.id);
    }, 90_000);
  }
});
