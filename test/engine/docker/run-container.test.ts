import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Dockerode from 'dockerode';
import { ContainerStartError, ImageNotFoundError } from '../../../src/lib/docker/errors.ts';
import { MANAGED_LABEL, RUN_ID_LABEL } from '../../../src/lib/docker/labels.ts';
import { toDockerodeOptions } from '../../../src/lib/docker/docker-target.ts';
import { BASE_IMAGE, engineClient, expectNoManagedLeftovers, outputRecorder, uniqueRunId, waitForBaseImage } from './support.ts';

const client = engineClient();

/** `python3 -c <script>` as an exec-form command. */
const py = (script: string): string[] => ['python3', '-u', '-c', script];

describe('DockerodeClient.runContainer (real engine)', () => {
  beforeAll(async () => {
    await waitForBaseImage(client);
  });

  beforeEach(() => client.newScope());

  afterEach(async ({ task }) => {
    await expectNoManagedLeftovers(client, task);
  });

  it('streams output line by line while the container runs', async () => {
    const out = outputRecorder();
    const script = 'import time\nfor i in range(4):\n    print(f"tick {i}", flush=True)\n    time.sleep(0.3)';
    const result = await client.runContainer({ image: BASE_IMAGE, cmd: py(script), labels: { [RUN_ID_LABEL]: uniqueRunId('lines') } }, { onLog: out.onLog });
    const finishedAt = performance.now();

    expect(result.exitCode).toBe(0);
    expect(out.stdout()).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 3']);
    const times = out.lines.map((l) => l.at);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThan(150);
    // The first line was delivered long before the run finished, not in one batch at the end.
    expect(finishedAt - times[0]).toBeGreaterThan(700);
  });

  it('keeps stdout and stderr apart and flushes a final partial line', async () => {
    const out = outputRecorder();
    const script = 'import sys\nprint("to out")\nprint("to err", file=sys.stderr)\nsys.stderr.flush()\nsys.stdout.write("no newline")';
    const result = await client.runContainer({ image: BASE_IMAGE, cmd: py(script) }, { onLog: out.onLog });

    expect(result.exitCode).toBe(0);
    expect(out.stdout()).toEqual(['to out', 'no newline']);
    expect(out.stderr()).toEqual(['to err']);
  });

  it('returns a non-zero exit code as a result', async () => {
    const result = await client.runContainer({ image: BASE_IMAGE, cmd: py('raise SystemExit(7)') });
    expect(result).toMatchObject({ exitCode: 7, timedOut: false, cancelled: false, oomKilled: false });
    expect(result.containerId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('kills the container when the timeout passes', async () => {
    const started = performance.now();
    const result = await client.runContainer({ image: BASE_IMAGE, cmd: ['sleep', '30'], timeoutMs: 1_000 });
    expect(result.timedOut).toBe(true);
    expect(result.cancelled).toBe(false);
    expect(result.exitCode).toBe(137);
    expect(result.durationMs).toBeLessThan(8_000);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('kills the container when the signal aborts', async () => {
    const controller = new AbortController();
    const out = outputRecorder();
    const script = 'import time\nprint("ready", flush=True)\ntime.sleep(30)';
    const result = await client.runContainer(
      { image: BASE_IMAGE, cmd: py(script) },
      {
        signal: controller.signal,
        onLog: (stream, line) => {
          out.onLog(stream, line);
          if (line === 'ready') controller.abort();
        },
      },
    );
    expect(out.stdout()).toEqual(['ready']);
    expect(result.cancelled).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.durationMs).toBeLessThan(8_000);
  });

  it('does not start anything for an already aborted signal', async () => {
    const result = await client.runContainer({ image: BASE_IMAGE, cmd: ['true'] }, { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ cancelled: true, exitCode: null });
  });

  it('throws ImageNotFoundError naming the image', async () => {
    const image = `runbook-live-test/absent:${uniqueRunId('absent')}`;
    const error = await client.runContainer({ image, cmd: ['true'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageNotFoundError);
    expect((error as ImageNotFoundError).code).toBe('ImageNotFound');
    expect((error as Error).message).toContain(image);
  });

  it('removes the container and throws ContainerStartError when the command does not exist', async () => {
    const error = await client.runContainer({ image: BASE_IMAGE, cmd: ['/no/such/binary'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerStartError);
    expect((error as ContainerStartError).code).toBe('ContainerStartFailed');
    expect((error as Error).message).toContain('/no/such/binary');
  });

  it('applies the hardening flags: read-only root, user, no network, tmpfs', async () => {
    const out = outputRecorder();
    const script = [
      'import os, subprocess',
      'subprocess.run(["id", "-u"], check=True)',
      'print("net", ",".join(sorted(os.listdir("/sys/class/net"))))',
      'open("/tmp/scratch", "w").write("ok")',
      'print("tmpfs writable")',
      'try:',
      '    open("/root-write-test", "w")',
      '    print("root writable")',
      'except OSError as e:',
      '    print("root read-only", e.errno)',
    ].join('\n');
    const result = await client.runContainer(
      {
        image: BASE_IMAGE,
        cmd: py(script),
        user: '10001',
        network: 'none',
        readOnly: true,
        capDrop: ['ALL'],
        securityOpt: ['no-new-privileges'],
        pidsLimit: 64,
        memoryBytes: 256 * 1024 * 1024,
        nanoCpus: 500_000_000,
        tmpfs: { '/tmp': 'rw,size=16m' },
      },
      { onLog: out.onLog },
    );
    expect(out.stderr()).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(out.stdout()).toEqual(['10001', 'net lo', 'tmpfs writable', 'root read-only 30']);
  });

  it('reports an out-of-memory kill', async () => {
    const script = 'blocks = []\nfor _ in range(64):\n    blocks.append(bytearray(8 * 1024 * 1024))\nprint("survived")';
    const result = await client.runContainer({ image: BASE_IMAGE, cmd: py(script), memoryBytes: 32 * 1024 * 1024 });
    expect(result.oomKilled).toBe(true);
    expect(result.exitCode).toBe(137);
  });

  it('creates containers with the managed label, the caller labels and the mapped host config', async () => {
    const runId = uniqueRunId('spec');
    const id = await client.createContainer({
      image: BASE_IMAGE,
      cmd: ['true'],
      env: { A: '1', B: 'x=y' },
      workdir: '/srv',
      labels: { [RUN_ID_LABEL]: runId, [MANAGED_LABEL]: 'false' },
      readOnly: true,
      pidsLimit: 32,
      memoryBytes: 64 * 1024 * 1024,
      tmpfs: { '/tmp': 'rw,size=8m' },
    });
    try {
      const raw = await new Dockerode(toDockerodeOptions(client.target)).getContainer(id).inspect();
      expect(raw.Config.Labels).toMatchObject({ [RUN_ID_LABEL]: runId, [MANAGED_LABEL]: 'true' });
      expect(raw.Config.Env).toEqual(expect.arrayContaining(['A=1', 'B=x=y']));
      expect(raw.Config.WorkingDir).toBe('/srv');
      expect(raw.Config.Tty).toBe(false);
      expect(raw.HostConfig).toMatchObject({ ReadonlyRootfs: true, PidsLimit: 32, Memory: 64 * 1024 * 1024, Tmpfs: { '/tmp': 'rw,size=8m' } });
      expect((await client.listManaged()).map((c) => c.id)).toContain(id);
    } finally {
      await client.removeContainer(id);
    }
  });
});
