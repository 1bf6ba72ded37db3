import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGoodRunner, removeRunnerVariants } from '../../support/runner-variants.ts';
import { startServer, type RunningServer } from '../../support/server.ts';
import { makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';
import { ROOT, RunsApi } from '../runs/harness.ts';
import { checkStep, expectNothingLeftOf, labelsWith } from './support.ts';

// The whole contract v2 result, run for real: the shipped docs plus one runbook
// (test/fixtures/contract-v2) whose checks use REF-runner-contract's fixture and schemas
// against this checkout's example runner. A tool's next_actions and state pass the schema, so
// does a run the runner stopped as timed_out, and a check citing a broken schema block
// cannot run and says why, as the health page does.

const DOC = 'RUN-result-shapes';
let docs: TempDocs;
let server: RunningServer;
let api: RunsApi;
let runner: string;
let dataDir: TempDocs;

beforeAll(async () => {
  runner = buildGoodRunner();
  docs = makeTempDocs(path.join(ROOT, 'content'));
  docs.write('runbooks/runbook-result-shapes.md', readFileSync(path.join(ROOT, 'test/fixtures/contract-v2/runbook-result-shapes.md'), 'utf8'));
  dataDir = makeTempDocs();
  server = await startServer({ DOCS_DIR: docs.dir, DATA_DIR: dataDir.dir, SYSTEMS_CONFIG: path.join(ROOT, 'runbook-live.yaml') });
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
    docs?.cleanup();
    dataDir?.cleanup();
    await removeRunnerVariants();
  }
});

describe('contract v2 results the smoke test does not produce', () => {
  it('passes a result whose tool returned next_actions and a state object', async () => {
    const started = await api.start(`${DOC}/next-actions-and-state`, { vars: { RUNNER_IMAGE: runner } });
    const run = await api.waitFinished(started.id, 30_000);
    const step = checkStep(run);
    expect(step.verdicts.map((v) => [v.label, v.status, v.actual])).toEqual([
      ['exit code is 0', 'passed', '0'],
      ['the result is contract v2', 'passed', 'matches'],
      ['next actions and state are passed through', 'passed', 'status = "succeeded", next_actions.0.tool = "summarize", state.last_count = 2, artifacts.0.path = "output/count.txt"'],
      ['artifacts stay under output/', 'passed', 'matches'],
    ]);
    expect(run).toMatchObject({ status: 'passed', exitCode: 0 });
    await expectNothingLeftOf(run.id);
  });

  it('passes a result the runner wrote as timed_out after stopping the tool', async () => {
    const started = await api.start(`${DOC}/timed-out`, { vars: { RUNNER_IMAGE: runner } });
    const run = await api.waitFinished(started.id, 30_000);
    const step = checkStep(run);
    expect(labelsWith(step, 'failed')).toEqual([]);
    expect(step.counts).toEqual({ passed: 4, failed: 0, skipped: 0 });
    expect(step).toMatchObject({ timedOut: false, exitCode: 0 });
    // The runner's own limit stopped the tool, well before the check's 20 s.
    expect(Date.parse(run.finishedAt!) - Date.parse(run.startedAt!)).toBeLessThan(15_000);
    await expectNothingLeftOf(run.id);
  });
});

describe('a broken schema block', () => {
  const reason = /^expect\.0\.schema: RUN-result-shapes#half-written cannot be used: the schema is not valid JSON \(block from line \d+\): /;

  it('makes the check citing it a manual step, and a request to run it is refused with the same reason', async () => {
    const block = await api.block(`${DOC}/cites-broken-schema`);
    expect(block.runnable).toBe(false);
    expect(block.reason).toMatch(reason);
    const { status, body } = await api.post({ block: block.id, hash: block.hash });
    expect(status).toBe(400);
    expect(String(body.message)).toContain('RUN-result-shapes#half-written cannot be used');
  });

  it('is shown on the doc page with its reason, and listed on the health page', async () => {
    const page = await (await fetch(`${server.url}/docs/${DOC}`)).text();
    expect(page).toMatch(/<div[^>]*id="block-half-written"[^>]*class="code-block declaration schema broken"|<div[^>]*class="code-block declaration schema broken"[^>]*id="block-half-written"/);
    expect(page).toMatch(/the schema is not valid JSON \(block from line \d+\)/);
    const health = await (await fetch(`${server.url}/health`)).text();
    expect(health).toMatch(/<strong id="declaration-count">1<\/strong> broken fixture and schema blocks/);
    expect(health).toContain('<code>RUN-result-shapes/half-written</code>');
  });

  it('renders the shipped schemas with the checks validating against them', async () => {
    const page = await (await fetch(`${server.url}/docs/REF-runner-contract`)).text();
    expect(page).toContain('id="block-runner-result-v2"');
    expect(page).toContain('id="block-runner-work"');
    const validated = /<li class="schema-entry" id="validated-by-runner-result-v2"[\s\S]*?<\/ul>/.exec(page)?.[0] ?? '';
    expect(validated).toContain('RUN-runner-image/contract-smoke');
    expect(validated).toContain('RUN-result-shapes/next-actions-and-state');
    expect(validated).toContain('RUN-result-shapes/timed-out');
  });
});
