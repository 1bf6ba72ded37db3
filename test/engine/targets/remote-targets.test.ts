import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningServer } from '../../support/server.ts';
import { pollUntil } from '../../support/poll.ts';
import { expectNothingLeftOfRuns } from '../../support/docker-leftovers.ts';
import { startBuiltServer } from '../incidents/support.ts';
import { BASE_IMAGE, bash, makeWorld, RunsApi, SYSTEM_DIR, type RunJson, type RunsWorld } from '../runs/harness.ts';
import {
  dashboard,
  engineVersion,
  makeCertificates,
  startEngineFront,
  startSshHost,
  tempDir,
  type EngineFront,
  type SshHost,
  type TargetHealthJson,
  type TestCertificates,
} from './support.ts';

// The non-unix transports end to end: the built server, a temp runbook whose bash check runs
// a container, and targets that reach the one real engine through a plain TCP front, a
// mutual-TLS front and an sshd (whose sessions run `docker system dial-stdio`). Each describe
// has its own server, fronts and temp folders, and leaves no container of its runs behind.

const DOC = 'RUN-remote-targets';
const CHECK = `${DOC}/hello`;
const BODY = `## Hello\n\n${bash('name=hello check', `docker run --rm ${BASE_IMAGE} python3 -c "print('hello')"`)}`;

interface Target {
  url: string;
  tls_cert_path?: string;
}

/** A server on a temp docs folder and systems configuration whose system `demo` runs on `targets` (in order). */
interface Stage {
  world: RunsWorld;
  server: RunningServer;
  api: RunsApi;
}

function systemsYaml(targets: Record<string, Target>): string {
  const lines = ['targets:'];
  for (const [name, target] of Object.entries(targets)) {
    lines.push(`  ${name}:`, `    url: ${JSON.stringify(target.url)}`);
    if (target.tls_cert_path) lines.push(`    tls_cert_path: ${JSON.stringify(target.tls_cert_path)}`);
  }
  lines.push(
    'systems:',
    '  demo:',
    `    dir: ${JSON.stringify(SYSTEM_DIR)}`,
    `    targets: [${Object.keys(targets).join(', ')}]`,
    'runs:',
    '  concurrency: 2',
    '  timeout_seconds: 60',
    '',
  );
  return lines.join('\n');
}

async function startStage(targets: Record<string, Target>, env: Record<string, string> = {}): Promise<Stage> {
  const world = makeWorld({ systemsYaml: systemsYaml(targets), runbooks: { 'runbook-remote-targets.md': { system: 'demo', body: BODY } } });
  try {
    const server = await startBuiltServer({ ...world.env, ...env }, { docIds: [DOC] });
    return { world, server, api: new RunsApi(server) };
  } catch (error) {
    world.cleanup();
    throw error;
  }
}

/** Every run ended and nothing of it left on the engine; then the server stops and its folders go. */
async function stopStage(stage: Stage | undefined): Promise<void> {
  if (!stage) return;
  try {
    await stage.api.expectNoLeftovers();
    await expectNothingLeftOfRuns(stage.api.runIds, `the tests on ${stage.server.url}`);
  } finally {
    await stage.server.stop();
    stage.world.cleanup();
  }
}

async function runOn(stage: Stage, target: string): Promise<RunJson> {
  const started = await stage.api.start(CHECK, { target });
  return stage.api.waitFinished(started.id, 45_000);
}

function expectHello(run: RunJson, target: string): void {
  expect(run, `${run.message ?? ''}\n${run.logs.map((l) => `[${l.stream}] ${l.text}`).join('')}`).toMatchObject({ status: 'passed', failureKind: null, target, exitCode: 0 });
  expect(run.logs.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['hello']);
}

/** Waits until the dashboard reports the target reachable, and checks it names the real engine's versions. */
async function expectReachable(stage: Stage, name: string): Promise<TargetHealthJson> {
  const engine = await engineVersion();
  const health = await pollUntil(`target ${name} to be reported reachable`, async () => {
    const found = (await dashboard(stage.server.url)).targets.find((t) => t.name === name);
    return found?.reachable === true ? found : undefined;
  }, { timeoutMs: 15_000, everyMs: 200 });
  expect(health).toMatchObject({ name, reachable: true, engineVersion: engine.Version, apiVersion: engine.ApiVersion, error: null });
  return health;
}

describe('tcp:// without TLS', () => {
  let front: EngineFront;
  let stage: Stage | undefined;

  beforeAll(async () => {
    front = await startEngineFront();
    stage = await startStage({ local: { url: 'unix:///var/run/docker.sock' }, plain: { url: `tcp://127.0.0.1:${front.port}` } });
  });

  afterEach(async ({ task }) => {
    await stage?.api.expectNoLeftovers(task);
  });

  afterAll(async () => {
    try {
      await stopStage(stage);
    } finally {
      await front?.close();
    }
  });

  it('runs the check through the TCP front; the dashboard has a row per target and the target reachable with its versions', async () => {
    // A probe may already hold a kept-alive connection, so count what the run sends, not connections.
    const before = front.sentBytes();
    const run = await runOn(stage!, 'plain');
    expectHello(run, 'plain');
    expect(front.sentBytes()).toBeGreaterThan(before);

    const rows = (await dashboard(stage!.server.url)).rows.filter((r) => r.blockId === CHECK);
    expect(rows.map((r) => [r.key, r.target])).toEqual([
      [`${CHECK}@local`, 'local'],
      [`${CHECK}@plain`, 'plain'],
    ]);
    expect(rows[0]).toMatchObject({ status: 'never run', lastRun: null });
    expect(rows[1]).toMatchObject({ status: 'passing', lastRun: { id: run.id, status: 'passed' } });

    const plain = await expectReachable(stage!, 'plain');
    expect(plain.url).toBe(`tcp://127.0.0.1:${front.port}`);
    await expectReachable(stage!, 'local');
  });
});

describe('tcp:// with mutual TLS', () => {
  let certs: ReturnType<typeof tempDir> | undefined;
  let made: TestCertificates;
  let front: EngineFront;
  let stage: Stage | undefined;

  beforeAll(async () => {
    certs = tempDir('certs');
    made = makeCertificates(certs.dir);
    front = await startEngineFront(made.server);
    const url = `tcp://127.0.0.1:${front.port}`;
    stage = await startStage({
      local: { url: 'unix:///var/run/docker.sock' },
      secure: { url, tls_cert_path: made.clientDir },
      wrongca: { url, tls_cert_path: made.strangerDir },
      distrust: { url, tls_cert_path: made.distrustingDir },
    });
  });

  afterEach(async ({ task }) => {
    await stage?.api.expectNoLeftovers(task);
  });

  afterAll(async () => {
    try {
      await stopStage(stage);
    } finally {
      await front?.close();
      certs?.cleanup();
    }
  });

  it('runs the check on a target whose client certificate the engine front trusts', async () => {
    const before = front.sentBytes();
    const run = await runOn(stage!, 'secure');
    expectHello(run, 'secure');
    expect(front.sentBytes()).toBeGreaterThan(before);

    const health = await expectReachable(stage!, 'secure');
    expect(health.url).toBe(`tcp://127.0.0.1:${front.port}`);
    const row = (await dashboard(stage!.server.url)).rows.find((r) => r.key === `${CHECK}@secure`);
    expect(row).toMatchObject({ status: 'passing', lastRun: { id: run.id } });
  });

  it('a client certificate from another CA is refused: the run fails as docker_unreachable naming the host, and the dashboard shows the target unreachable', async () => {
    const host = `tcp://127.0.0.1:${front.port}`;
    // The background probe already finds both refused targets unreachable, before any run of theirs.
    const probed = await pollUntil('the probe to mark wrongca and distrust unreachable', async () => {
      const targets = (await dashboard(stage!.server.url)).targets.filter((t) => t.name === 'wrongca' || t.name === 'distrust');
      return targets.length === 2 && targets.every((t) => t.reachable === false) ? targets : undefined;
    });
    for (const target of probed) expect(target.error).toContain(host);

    const refusedBefore = front.refused();
    const run = await runOn(stage!, 'wrongca');
    expect(run, run.message ?? '').toMatchObject({ status: 'failed', failureKind: 'docker_unreachable', target: 'wrongca', exitCode: null });
    expect(run.message).toContain(`Cannot reach the Docker engine at ${host}`);
    expect(front.refused()).toBeGreaterThan(refusedBefore);
    expect(run.logs.filter((l) => l.stream === 'stdout')).toEqual([]);

    const board = await dashboard(stage!.server.url);
    expect(board.targets.find((t) => t.name === 'wrongca')).toMatchObject({ reachable: false, engineVersion: null, apiVersion: null });
    const rows = board.rows.filter((r) => r.blockId === CHECK);
    expect(rows.map((r) => [r.target, r.status])).toEqual([
      ['local', 'never run'],
      ['secure', 'passing'],
      ['wrongca', 'unreachable'],
      ['distrust', 'unreachable'],
    ]);
    expect(rows[2]!.reason).toContain(host);
    expect(rows[2]!.lastRun).toMatchObject({ id: run.id, failureKind: 'docker_unreachable' });
    // The same port still serves the trusted client.
    expect(board.targets.find((t) => t.name === 'secure')?.reachable).toBe(true);
  });

  it('a ca.pem that did not sign the engine front\'s certificate: the client refuses the server, and the message says the TLS handshake failed', async () => {
    const host = `tcp://127.0.0.1:${front.port}`;
    const piped = front.piped();
    const run = await runOn(stage!, 'distrust');
    expect(run, run.message ?? '').toMatchObject({ status: 'failed', failureKind: 'docker_unreachable', target: 'distrust' });
    expect(run.message).toContain(`Cannot reach the Docker engine at ${host} (TLS)`);
    expect(run.message).toContain('TLS handshake failed');
    const board = await dashboard(stage!.server.url);
    expect(board.targets.find((t) => t.name === 'distrust')).toMatchObject({ reachable: false, engineVersion: null });
    expect(board.rows.find((r) => r.key === `${CHECK}@distrust`)).toMatchObject({ status: 'unreachable', lastRun: { id: run.id } });
    // Only the trusted target's probes may have reached the engine meanwhile.
    expect(front.piped() - piped).toBeLessThanOrEqual(1);
  });
});

describe('ssh://', () => {
  let sshDir: ReturnType<typeof tempDir> | undefined;
  let ssh: SshHost | undefined;
  let stage: Stage | undefined;

  beforeAll(async () => {
    sshDir = tempDir('sshd');
    ssh = await startSshHost(sshDir.dir, await freePort());
    stage = await startStage(
      { local: { url: 'unix:///var/run/docker.sock' }, remote: { url: `ssh://root@127.0.0.1:${ssh.port}` } },
      { SSH_AUTH_SOCK: ssh.agentSocket },
    );
  });

  afterEach(async ({ task }) => {
    await stage?.api.expectNoLeftovers(task);
  });

  afterAll(async () => {
    try {
      await stopStage(stage);
    } finally {
      await ssh?.close();
      sshDir?.cleanup();
    }
  });

  it('runs the check on an ssh target through `docker system dial-stdio`, with the key from the agent', async () => {
    const run = await runOn(stage!, 'remote');
    expectHello(run, 'remote');

    const health = await expectReachable(stage!, 'remote');
    expect(health.url).toBe(`ssh://root@127.0.0.1:${ssh!.port}`);
    const row = (await dashboard(stage!.server.url)).rows.find((r) => r.key === `${CHECK}@remote`);
    expect(row).toMatchObject({ status: 'passing', lastRun: { id: run.id } });
  });
});
