import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RunEvents } from '../../../src/lib/runs/run-events.ts';
import { RunService } from '../../../src/lib/runs/run-service.ts';
import { RunbookRunService } from '../../../src/lib/runs/runbook-run-service.ts';
import { SqliteRunbookRunStore } from '../../../src/lib/runs/sqlite-runbook-run-store.ts';
import { SqliteRunStore } from '../../../src/lib/runs/sqlite-run-store.ts';
import { runbookPlan } from '../../../src/lib/runs/start-runbook-request.ts';
import { fence, makeDocsWorld, type DocsWorld } from '../../support/fakes/docs-world.ts';
import { fakeDockerClient } from '../../support/fakes/fake-docker-client.ts';
import { FakeExecutor, passedOutcome } from '../../support/fakes/fake-executor.ts';

// The real stores on ':memory:', the real RunService, and a fake executor the test drives
// step by step, so the order of the steps and what a failure or a cancel does are seen exactly.

const BODY = [
  '## Build',
  fence('bash { name=build }', 'docker build -t "$IMAGE" .'),
  '## Look',
  fence('bash { name=look }', 'docker image inspect "$IMAGE"'),
  '## By hand',
  fence('bash', 'ssh prod "docker ps"'),
  '## An example, not a step',
  fence('yaml', 'key: value'),
  '## Smoke',
  fence('bash { name=smoke }', 'docker run --rm "$IMAGE" python3 -c "print(1)"'),
].join('\n');

let world: DocsWorld;
let store: SqliteRunStore;
let executor: FakeExecutor;
let runs: RunService;
let service: RunbookRunService;

beforeAll(async () => {
  world = await makeDocsWorld({ app: BODY, manual: fence('bash', 'ssh prod "uptime"') });
});
afterAll(() => world.cleanup());

beforeEach(() => {
  store = new SqliteRunStore(':memory:');
  const events = new RunEvents();
  executor = new FakeExecutor();
  const client = fakeDockerClient();
  runs = new RunService({ store, events, targets: { names: () => ['local', 'remote'], client: () => client }, docs: world.docsSource, catalog: world.catalog, concurrency: 2, logLimitBytes: 1_048_576, execute: executor.execute });
  service = new RunbookRunService({ store: new SqliteRunbookRunStore(store.database), runs, runEvents: events, docs: world.docsSource, catalog: world.catalog, defaultTargets: ['local', 'remote'] });
});
afterEach(async () => {
  await service.drain();
  await runs.drain();
  store.close();
});

const hash = () => runbookPlan(world.set.byId.get('RUN-app')!, world.catalog, ['local'], world.set)!.hash;
async function startApp(extra: Record<string, unknown> = {}) {
  const outcome = await service.request({ doc: 'RUN-app', hash: hash(), ...extra }, { actor: 'tester', trigger: 'manual' });
  if (!outcome.ok) throw new Error(outcome.problem.message);
  return outcome.run;
}
const statuses = (id: string) => service.get(id)!.steps.map((s) => `${s.name}:${s.status}`);

describe('RunbookRunService', () => {
  it('runs the shell steps one at a time in document order, each as its own run, and passes', async () => {
    const run = await startApp({ vars: { IMAGE: 'demo:1' } });
    expect(statuses(run.id)).toEqual(['build:running', 'look:pending', 'By hand:skipped', 'smoke:pending']);
    expect(service.get(run.id)!.steps[2]!.reason).toMatch(/^manual step: line 1: ssh is not supported/);

    const build = await executor.call(1);
    expect(build.context.blockId).toBe('RUN-app/build');
    // The next step waits for this one.
    expect(executor.calls).toHaveLength(1);
    build.outcome.resolve(passedOutcome());
    const look = await executor.call(2);
    expect(look.context.blockId).toBe('RUN-app/look');
    expect(statuses(run.id)).toEqual(['build:passed', 'look:running', 'By hand:skipped', 'smoke:pending']);
    look.outcome.resolve(passedOutcome());
    (await executor.call(3)).outcome.resolve(passedOutcome());

    const done = await service.waitFor(run.id);
    expect(done).toMatchObject({ status: 'passed', docId: 'RUN-app', target: 'local', actor: 'tester', trigger: 'manual', variables: { IMAGE: 'demo:1' } });
    expect(statuses(run.id)).toEqual(['build:passed', 'look:passed', 'By hand:skipped', 'smoke:passed']);
    const stepRuns = done!.steps.filter((s) => s.runId).map((s) => runs.get(s.runId!)!);
    expect(stepRuns.map((r) => [r.blockId, r.status, r.variables.IMAGE])).toEqual([
      ['RUN-app/build', 'passed', 'demo:1'],
      ['RUN-app/look', 'passed', 'demo:1'],
      ['RUN-app/smoke', 'passed', 'demo:1'],
    ]);
    expect(service.forStepRun(stepRuns[1]!.id)?.id).toBe(run.id);
    expect(service.forStepRun('no-such-run')).toBeNull();
  });

  it('stops at the first failure and skips the rest; with keepGoing runs them anyway', async () => {
    const stopped = await startApp();
    (await executor.call(1)).outcome.resolve(passedOutcome({ status: 'failed', failureKind: 'build_failed', message: 'no such file' }));
    expect(await service.waitFor(stopped.id)).toMatchObject({ status: 'failed', failureKind: 'build_failed' });
    expect(statuses(stopped.id)).toEqual(['build:failed', 'look:skipped', 'By hand:skipped', 'smoke:skipped']);
    expect(executor.calls).toHaveLength(1);

    const going = await startApp({ keepGoing: true });
    (await executor.call(2)).outcome.resolve(passedOutcome({ status: 'failed', failureKind: 'build_failed', message: 'no such file' }));
    (await executor.call(3)).outcome.resolve(passedOutcome());
    (await executor.call(4)).outcome.resolve(passedOutcome());
    expect(await service.waitFor(going.id)).toMatchObject({ status: 'failed', failureKind: 'build_failed', keepGoing: true });
    expect(statuses(going.id)).toEqual(['build:failed', 'look:passed', 'By hand:skipped', 'smoke:passed']);
  });

  it('cancel stops the current step and skips the rest', async () => {
    const run = await startApp();
    (await executor.call(1)).outcome.resolve(passedOutcome());
    const look = await executor.call(2);
    expect(service.cancel(run.id)).toMatchObject({ changed: true });
    expect(look.context.signal.aborted).toBe(true);
    expect(await service.waitFor(run.id)).toMatchObject({ status: 'cancelled', failureKind: 'cancelled' });
    expect(statuses(run.id)).toEqual(['build:passed', 'look:cancelled', 'By hand:skipped', 'smoke:skipped']);
    expect(executor.calls).toHaveLength(2);
    expect(service.cancel(run.id)).toMatchObject({ changed: false });
  });

  it('joins the runbook run already going for the same runbook, target and variables', async () => {
    const first = await startApp();
    const second = await service.request({ doc: 'RUN-app', hash: hash() }, { actor: 'someone else', trigger: 'manual' });
    expect(second).toMatchObject({ ok: true, joined: true, run: { id: first.id } });
    const other = await service.request({ doc: 'RUN-app', hash: hash(), target: 'remote' }, { actor: 'tester', trigger: 'manual' });
    expect(other).toMatchObject({ ok: true, joined: false });
  });

  it('refuses requests it cannot honour, with codes and messages that say what to do', async () => {
    const who = { actor: 'tester', trigger: 'manual' as const };
    expect(await service.request({ doc: 'RUN-nope', hash: hash() }, who)).toEqual({ ok: false, problem: { status: 404, code: 'RunbookNotFound', message: "No doc has id 'RUN-nope'. GET /api/docs lists the docs." } });
    expect(await service.request({ doc: 'RUN-app', hash: '0000000000000000' }, who)).toMatchObject({ ok: false, problem: { status: 409, code: 'RunbookChanged' } });
    expect(await service.request({ doc: 'RUN-app', hash: hash(), vars: { NOPE: '1' } }, who)).toMatchObject({
      ok: false,
      problem: { status: 400, code: 'InvalidVariable', message: "Variable NOPE is not used by any step of runbook 'RUN-app'; its steps take: IMAGE" },
    });
    expect(await service.request({ doc: 'RUN-app', hash: hash(), vars: { IMAGE: 'not an image' } }, who)).toMatchObject({ ok: false, problem: { status: 400, code: 'InvalidVariable', message: expect.stringMatching(/^Step RUN-app\/build: IMAGE: 'not an image' is not a valid image reference/) } });
    expect(await service.request({ doc: 'RUN-app', hash: hash(), target: 'mars' }, who)).toMatchObject({ ok: false, problem: { status: 400, code: 'UnknownTarget', message: "Target 'mars' is not one runbook 'RUN-app' runs on; choose one of: local, remote" } });
    expect(await service.request({ doc: 'RUN-manual', hash: hash() }, who)).toMatchObject({ ok: false, problem: { status: 400, code: 'RunbookNotRunnable', message: expect.stringMatching(/^Doc 'RUN-manual' has nothing to run: every step is manual/) } });
    expect(await service.request({ doc: 'RUN-app', hash: hash(), command: 'rm -rf /' }, who)).toMatchObject({ ok: false, problem: { status: 400, code: 'InvalidRunbookRequest' } });
    expect(service.list()).toEqual([]);
  });

  it('marks runbook runs a killed server left going interrupted on recovery', async () => {
    const run = await startApp();
    await executor.call(1);
    // What a restart finds: the record as the dead server left it.
    const recovered = new RunbookRunService({ store: new SqliteRunbookRunStore(store.database), runs, runEvents: new RunEvents(), docs: world.docsSource, catalog: world.catalog, defaultTargets: ['local'] });
    expect(recovered.recover().map((r) => r.id)).toEqual([run.id]);
    expect(recovered.get(run.id)).toMatchObject({ status: 'interrupted', failureKind: 'interrupted' });
    expect(recovered.get(run.id)!.steps.map((s) => s.status)).toEqual(['interrupted', 'skipped', 'skipped', 'skipped']);
  });
});
