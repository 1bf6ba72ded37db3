import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BuildHooks, BuildImageOptions, BuildResult, ContainerRunResult, DockerClient, ImageDetails, RunHooks, RunOptions } from '../../../src/lib/docker/docker-client.ts';
import { ContainerStartError, DockerEngineError, DockerUnreachableError, ImageNotFoundError } from '../../../src/lib/docker/errors.ts';
import { BLOCK_ID_LABEL, MANAGED_LABEL, RUN_ID_LABEL } from '../../../src/lib/docker/labels.ts';
import type { BuildStep, ImageInspectStep, RunStep } from '../../../src/lib/procedures/step-schemas.ts';
import { executeSteps, type StepContext } from '../../../src/lib/runs/execute-steps.ts';
import { fakeDockerClient, type FakeDockerClient } from '../../support/fakes/fake-docker-client.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A `docker run` step of `image` running `cmd`, as the classifier builds it. */
function runStep(cmd: string[] = ['python3', '-c', 'print(1)'], overrides: Partial<RunStep> = {}): RunStep {
  return { kind: 'run', image: 'python:3.13-slim', cmd, env: {}, readOnly: false, capDrop: [], capAdd: [], securityOpt: [], tmpfs: {}, remove: true, labels: {}, ...overrides };
}

/** A `docker build -t app:1 .` step. */
function buildStep(overrides: Partial<BuildStep> = {}): BuildStep {
  return { kind: 'build', dockerfile: 'Dockerfile', tags: ['app:1'], buildArgs: {}, labels: {}, noCache: false, pull: false, quiet: false, contextPath: '.', ...overrides };
}

/** A `docker image inspect` step. */
function inspectStep(...images: string[]): ImageInspectStep {
  return { kind: 'image-inspect', images };
}

/** How a container ended; exit 0 unless told otherwise. */
function exited(overrides: Partial<ContainerRunResult> = {}): ContainerRunResult {
  return { exitCode: 0, oomKilled: false, timedOut: false, cancelled: false, durationMs: 40, containerId: 'c0ffee', ...overrides };
}

/** A successful build result. */
function built(overrides: Partial<Extract<BuildResult, { ok: true }>> = {}): BuildResult {
  return { ok: true, imageId: 'sha256:0123456789abcdef0123', tags: ['app:1'], sizeBytes: 12_897_485, durationMs: 1_500, ...overrides };
}

/** An image as inspect reports it. */
function image(id: string, tags: string[]): ImageDetails {
  return { id, tags, sizeBytes: 1024, user: '', env: { PATH: '/usr/bin' }, cmd: ['python3'], entrypoint: [], labels: {}, workingDir: '/', exposedPorts: [], volumes: [], digests: [] };
}

/** A step context on `docker` that records every log line as `stream: text`. */
function contextFor(docker: FakeDockerClient, overrides: Partial<StepContext> = {}): StepContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    docker,
    workDir: '/srv/app',
    runId: 'run-1',
    blockId: 'RUN-app/deploy',
    timeoutMs: 60_000,
    signal: new AbortController().signal,
    log: (stream, line) => lines.push(`${stream}: ${line}`),
    lines,
    ...overrides,
  };
}

/** A fake engine whose containers exit with the given results, one per runContainer call. */
function engineExiting(...results: ContainerRunResult[]): FakeDockerClient {
  const queue = [...results];
  return fakeDockerClient({ runContainer: async () => queue.shift() ?? Promise.reject(new Error('no more container results')) });
}

describe('executeSteps: order and stopping', () => {
  it('runs the steps in order, announces each, and passes with the last exit code', async () => {
    const docker = engineExiting(exited(), exited({ durationMs: 7 }));
    const context = contextFor(docker);
    const outcome = await executeSteps([runStep(['echo', 'one']), runStep(['echo', 'two'])], context);

    expect(docker.runContainer.mock.calls.map(([options]) => options.cmd)).toEqual([['echo', 'one'], ['echo', 'two']]);
    expect(outcome).toEqual({
      status: 'passed',
      failureKind: null,
      message: null,
      exitCode: 0,
      imageId: null,
      imageDigest: null,
      steps: [
        { kind: 'run', image: 'python:3.13-slim', exitCode: 0, durationMs: 40, oomKilled: false },
        { kind: 'run', image: 'python:3.13-slim', exitCode: 0, durationMs: 7, oomKilled: false },
      ],
    });
    expect(context.lines).toEqual(['system: [runbook-live] step 1/2: docker run python:3.13-slim echo one', 'system: [runbook-live] step 2/2: docker run python:3.13-slim echo two']);
  });

  it('stops at the first step that fails: later steps are neither announced nor run', async () => {
    const docker = engineExiting(exited(), exited({ exitCode: 3 }), exited());
    const context = contextFor(docker);
    const outcome = await executeSteps([runStep(['true']), runStep(['false']), runStep(['never'])], context);

    expect(docker.runContainer).toHaveBeenCalledTimes(2);
    expect(outcome).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero', message: 'the container exited with code 3', exitCode: 3 });
    expect(outcome.steps.map((s) => s.kind === 'run' && s.exitCode)).toEqual([0, 3]);
    expect(context.lines.filter((l) => l.includes('step 3/3'))).toEqual([]);
  });

  it('passes an empty block with nothing run', async () => {
    const docker = fakeDockerClient();
    expect(await executeSteps([], contextFor(docker))).toEqual({ status: 'passed', failureKind: null, message: null, exitCode: null, imageId: null, imageDigest: null, steps: [] });
  });
});

describe('executeSteps: docker run', () => {
  it('creates the container from the step, labelled with the run and block, and streams its output', async () => {
    const runContainer = vi.fn(async (_options: RunOptions, hooks?: RunHooks) => {
      hooks?.onLog?.('stdout', 'hello');
      hooks?.onLog?.('stderr', 'warning: x');
      return exited();
    });
    const docker = fakeDockerClient({ runContainer });
    const context = contextFor(docker);
    const step = runStep(['serve'], { entrypoint: '/bin/app', env: { MODE: 'test' }, user: '1000:1000', network: 'none', readOnly: true, capDrop: ['ALL'], pidsLimit: 64, memoryBytes: 67_108_864, labels: { team: 'qa' } });
    await executeSteps([step], context);

    const [options, hooks] = runContainer.mock.calls[0]!;
    expect(options).toMatchObject({
      image: 'python:3.13-slim',
      cmd: ['serve'],
      entrypoint: ['/bin/app'],
      env: { MODE: 'test' },
      user: '1000:1000',
      network: 'none',
      readOnly: true,
      capDrop: ['ALL'],
      pidsLimit: 64,
      memoryBytes: 67_108_864,
      labels: { team: 'qa', [RUN_ID_LABEL]: 'run-1', [BLOCK_ID_LABEL]: 'RUN-app/deploy', [MANAGED_LABEL]: 'true' },
    });
    expect(options.timeoutMs).toBeGreaterThan(0);
    expect(options.timeoutMs).toBeLessThanOrEqual(60_000);
    expect(hooks?.signal).toBe(context.signal);
    expect(context.lines.slice(1)).toEqual(['stdout: hello', 'stderr: warning: x']);
  });

  it('leaves out options the step does not set', async () => {
    const docker = engineExiting(exited());
    await executeSteps([runStep()], contextFor(docker));
    const [options] = docker.runContainer.mock.calls[0]!;
    for (const key of ['entrypoint', 'user', 'network', 'pidsLimit', 'memoryBytes', 'nanoCpus', 'workdir']) expect(options).not.toHaveProperty(key);
  });

  it('fails a container killed for memory as oom_killed, keeping its exit code', async () => {
    const outcome = await executeSteps([runStep()], contextFor(engineExiting(exited({ exitCode: 137, oomKilled: true }))));
    expect(outcome).toMatchObject({ status: 'failed', failureKind: 'oom_killed', message: 'the container ran out of memory and was killed by the kernel', exitCode: 137 });
    expect(outcome.steps).toEqual([{ kind: 'run', image: 'python:3.13-slim', exitCode: 137, durationMs: 40, oomKilled: true }]);
  });

  it('fails a container that outlived the timeout as timeout, naming the limit in seconds', async () => {
    const outcome = await executeSteps([runStep()], contextFor(engineExiting(exited({ exitCode: 137, timedOut: true })), { timeoutMs: 90_000 }));
    expect(outcome).toMatchObject({ status: 'failed', failureKind: 'timeout', message: 'the container did not exit within 90 s and was killed' });
    expect(outcome.steps).toHaveLength(1);
  });

  it('ends a cancelled container as cancelled, not failed', async () => {
    const outcome = await executeSteps([runStep(), runStep()], contextFor(engineExiting(exited({ exitCode: null, cancelled: true }))));
    expect(outcome).toMatchObject({ status: 'cancelled', failureKind: 'cancelled', message: 'cancelled by an operator', exitCode: null });
    expect(outcome.steps).toEqual([{ kind: 'run', image: 'python:3.13-slim', exitCode: null, durationMs: 40, oomKilled: false }]);
  });
});

describe('executeSteps: docker build', () => {
  it('builds from the system folder and records the image, tags, size and duration', async () => {
    const buildImage = vi.fn(async (_options: BuildImageOptions, hooks?: BuildHooks) => {
      hooks?.onLog?.('Step 1/2 : FROM python:3.13-slim');
      return built();
    });
    const docker = fakeDockerClient({ buildImage });
    const context = contextFor(docker);
    const outcome = await executeSteps([buildStep({ contextPath: 'ctx', dockerfile: 'docker/Dockerfile', buildArgs: { V: '1' }, target: 'prod' })], context);

    expect(buildImage.mock.calls[0]![0]).toEqual({ contextDir: '/srv/app/ctx', dockerfile: '../docker/Dockerfile', tags: ['app:1'], buildArgs: { V: '1' }, labels: {}, noCache: false, pull: false, target: 'prod' });
    expect(buildImage.mock.calls[0]![1]?.signal).toBeInstanceOf(AbortSignal);
    expect(outcome).toEqual({
      status: 'passed',
      failureKind: null,
      message: null,
      exitCode: null,
      imageId: 'sha256:0123456789abcdef0123',
      imageDigest: null,
      steps: [{ kind: 'build', imageId: 'sha256:0123456789abcdef0123', tags: ['app:1'], sizeBytes: 12_897_485, durationMs: 1_500 }],
    });
    expect(context.lines).toEqual([
      'system: [runbook-live] step 1/1: docker build -t app:1 ctx',
      'stdout: Step 1/2 : FROM python:3.13-slim',
      'system: [runbook-live] built sha256:0123456789ab (app:1), 12.3 MB in 1.5 s',
    ]);
  });

  it('fails a build the engine rejects as build_failed with the error as a step result', async () => {
    const docker = fakeDockerClient({ buildImage: async () => ({ ok: false, error: "RUN make: exit code 2", cancelled: false, durationMs: 300 }) });
    const outcome = await executeSteps([buildStep(), runStep()], contextFor(docker));
    expect(outcome).toEqual({
      status: 'failed',
      failureKind: 'build_failed',
      message: 'docker build failed: RUN make: exit code 2',
      exitCode: null,
      imageId: null,
      imageDigest: null,
      steps: [{ kind: 'build-failed', error: 'RUN make: exit code 2' }],
    });
    expect(docker.runContainer).not.toHaveBeenCalled();
  });

  it('fails a build without a system folder as internal, before asking the engine', async () => {
    const docker = fakeDockerClient();
    const outcome = await executeSteps([buildStep()], contextFor(docker, { workDir: null }));
    expect(outcome).toEqual({ status: 'failed', failureKind: 'internal', message: 'docker build needs a system folder to resolve its context against', exitCode: null, imageId: null, imageDigest: null, steps: [] });
    expect(docker.buildImage).not.toHaveBeenCalled();
  });

  it('keeps the built image on the outcome when a later container fails', async () => {
    const docker = fakeDockerClient({ buildImage: async () => built(), runContainer: async () => exited({ exitCode: 3 }) });
    const outcome = await executeSteps([buildStep(), runStep(['app'], { image: 'app:1' })], contextFor(docker));
    expect(outcome).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero', exitCode: 3, imageId: 'sha256:0123456789abcdef0123' });
    expect(outcome.steps.map((s) => s.kind)).toEqual(['build', 'run']);
  });

  it('stops a build at the block deadline and reports a timeout', async () => {
    vi.useFakeTimers();
    // Like the real engine: an aborted build resolves as cancelled.
    const buildImage = vi.fn(
      (_options: BuildImageOptions, hooks?: BuildHooks) =>
        new Promise<BuildResult>((resolve) => hooks?.signal?.addEventListener('abort', () => resolve({ ok: false, error: 'aborted', cancelled: true, durationMs: 5_000 }))),
    );
    const running = executeSteps([buildStep()], contextFor(fakeDockerClient({ buildImage }), { timeoutMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await running).toMatchObject({ status: 'failed', failureKind: 'timeout', message: 'the build did not finish within 5 s and was stopped', steps: [] });
  });

  it('ends a build cancelled by the operator as cancelled', async () => {
    const cancel = new AbortController();
    const buildImage = vi.fn(
      (_options: BuildImageOptions, hooks?: BuildHooks) =>
        new Promise<BuildResult>((resolve) => hooks?.signal?.addEventListener('abort', () => resolve({ ok: false, error: 'aborted', cancelled: true, durationMs: 10 }))),
    );
    const running = executeSteps([buildStep()], contextFor(fakeDockerClient({ buildImage }), { signal: cancel.signal }));
    cancel.abort(new Error('cancelled by an operator'));
    expect(await running).toMatchObject({ status: 'cancelled', failureKind: 'cancelled', message: 'cancelled by an operator' });
  });
});

describe('executeSteps: docker image inspect', () => {
  it('logs each image as JSON and records them, taking the first image id as the run image', async () => {
    const images = { 'python:3.13-slim': image('sha256:aaa', ['python:3.13-slim']), 'app:1': image('sha256:bbb', ['app:1']) };
    const docker = fakeDockerClient({ inspectImage: async (ref) => images[ref as keyof typeof images] });
    const context = contextFor(docker);
    const outcome = await executeSteps([inspectStep('python:3.13-slim', 'app:1')], context);

    expect(outcome).toMatchObject({ status: 'passed', imageId: 'sha256:aaa', steps: [{ kind: 'image-inspect', images: [images['python:3.13-slim'], images['app:1']] }] });
    const stdout = context.lines.filter((l) => l.startsWith('stdout: ')).map((l) => l.slice('stdout: '.length));
    expect(stdout.join('\n')).toBe(`${JSON.stringify(images['python:3.13-slim'], null, 2)}\n${JSON.stringify(images['app:1'], null, 2)}`);
    expect(context.lines[0]).toBe('system: [runbook-live] step 1/1: docker image inspect python:3.13-slim app:1');
  });
});

describe('executeSteps: errors thrown by the Docker layer', () => {
  it('names an engine that cannot be reached docker_unreachable, with its message', async () => {
    const error = new DockerUnreachableError('unix:///var/run/docker.sock', 'ENOENT', 'Is Docker running?');
    const outcome = await executeSteps([runStep()], contextFor(fakeDockerClient({ runContainer: async () => Promise.reject(error) })));
    expect(outcome).toEqual({ status: 'failed', failureKind: 'docker_unreachable', message: 'Cannot reach the Docker engine at unix:///var/run/docker.sock (ENOENT). Is Docker running?', exitCode: null, imageId: null, imageDigest: null, steps: [] });
  });

  it('names a missing image image_not_found', async () => {
    const docker = fakeDockerClient({ inspectImage: async (ref) => Promise.reject(new ImageNotFoundError(ref)) });
    const outcome = await executeSteps([inspectStep('ghost:1')], contextFor(docker));
    expect(outcome).toMatchObject({ status: 'failed', failureKind: 'image_not_found', steps: [] });
    expect(outcome.message).toBe('Image "ghost:1" does not exist on the Docker engine. Build it first (or load/pull it onto the engine yourself); runbook-live never pulls images implicitly.');
  });

  it('fails a container the engine could not start as exit_nonzero with exit code 127, like docker run', async () => {
    const error = new ContainerStartError('python:3.13-slim', 'exec: "nope": executable file not found in $PATH');
    const outcome = await executeSteps([runStep(['nope'])], contextFor(fakeDockerClient({ runContainer: async () => Promise.reject(error) })));
    expect(outcome).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero', exitCode: 127, message: error.message });
  });

  it('fails other engine refusals as exit_nonzero without an exit code', async () => {
    const error = new DockerEngineError('create the container', 'invalid mount config', 400);
    const outcome = await executeSteps([runStep()], contextFor(fakeDockerClient({ runContainer: async () => Promise.reject(error) })));
    expect(outcome).toMatchObject({ status: 'failed', failureKind: 'exit_nonzero', exitCode: null, message: error.message });
  });

  it('ends an unexpected error as errored/internal and says runbook-live failed', async () => {
    const docker = fakeDockerClient({ runContainer: async () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'id')")) });
    const outcome = await executeSteps([runStep()], contextFor(docker));
    expect(outcome).toEqual({
      status: 'errored',
      failureKind: 'internal',
      message: "runbook-live failed while running the step: Cannot read properties of undefined (reading 'id')",
      exitCode: null,
      imageId: null,
      imageDigest: null,
      steps: [],
    });
  });

  it('keeps the exit code and image of earlier steps when a later one throws', async () => {
    const docker = fakeDockerClient({
      buildImage: async () => built(),
      runContainer: vi.fn<DockerClient['runContainer']>().mockResolvedValueOnce(exited()).mockRejectedValueOnce(new DockerUnreachableError('unix:///var/run/docker.sock', 'ECONNRESET', 'Retry.')),
    });
    const outcome = await executeSteps([buildStep(), runStep(), runStep()], contextFor(docker));
    expect(outcome).toMatchObject({ status: 'failed', failureKind: 'docker_unreachable', exitCode: 0, imageId: 'sha256:0123456789abcdef0123' });
    expect(outcome.steps.map((s) => s.kind)).toEqual(['build', 'run']);
  });
});
