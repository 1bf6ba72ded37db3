import { describe, expect, it } from 'vitest';
import { lookupDeclared } from '../../../src/lib/procedures/declared-variables.ts';
import { parseDockerRun } from '../../../src/lib/procedures/parse-docker-run.ts';

const lookup = lookupDeclared({ RUNNER_TOKEN: 't0k3n' });
const run = (...args: string[]) => parseDockerRun(args, lookup);

const DEFAULTS = {
  kind: 'run',
  cmd: [],
  env: {},
  readOnly: false,
  capDrop: [],
  capAdd: [],
  securityOpt: [],
  tmpfs: {},
  remove: false,
  labels: {},
};

describe('parseDockerRun', () => {
  it('parses a minimal run', () => {
    expect(run('--rm', 'alpine:3.20', 'echo', 'hi')).toEqual({
      ok: true,
      value: { ...DEFAULTS, image: 'alpine:3.20', cmd: ['echo', 'hi'], remove: true },
    });
  });

  it('parses the hardening flags into engine values', () => {
    const parsed = run(
      '--rm', '-u', '10001', '--net=none', '--read-only', '--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE',
      '--security-opt', 'no-new-privileges', '--security-opt=seccomp=unconfined', '--pids-limit', '64',
      '-m', '256m', '--cpus', '1.5', '--tmpfs', '/tmp:rw,size=64m', '--tmpfs', '/run', '--entrypoint', '',
      '--name', 'smoke-1', '--workdir', '/app', '--label', 'a=b', '-l', 'flag',
      '-e', 'A=1', '--env=B=x=y', '-e', 'RUNNER_TOKEN', 'ghcr.io/org/app:1.2', '--version',
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'run',
        image: 'ghcr.io/org/app:1.2',
        cmd: ['--version'],
        entrypoint: '',
        env: { A: '1', B: 'x=y', RUNNER_TOKEN: 't0k3n' },
        user: '10001',
        network: 'none',
        readOnly: true,
        capDrop: ['ALL'],
        capAdd: ['NET_BIND_SERVICE'],
        securityOpt: ['no-new-privileges', 'seccomp=unconfined'],
        pidsLimit: 64,
        memoryBytes: 268435456,
        nanoCpus: 1500000000,
        tmpfs: { '/tmp': 'rw,size=64m', '/run': '' },
        remove: true,
        name: 'smoke-1',
        workdir: '/app',
        labels: { a: 'b', flag: '' },
      },
    });
  });

  it('treats words after the image as the command, even if they look like flags', () => {
    expect(run('alpine', 'ls', '-la', '--rm')).toMatchObject({ ok: true, value: { cmd: ['ls', '-la', '--rm'], remove: false } });
  });

  it.each([
    [['-it', 'alpine'], 'docker run -i/--interactive: needs a terminal; runbook-live runs containers to completion without one, so drop it'],
    [['-t', 'alpine'], 'docker run -t/--tty: needs a terminal; runbook-live runs containers to completion without one, so drop it'],
    [['-d', 'alpine'], 'docker run -d/--detach: detached containers outlive the step; runbook-live waits for each container to exit, so drop -d'],
    [['-v', '.:/src', 'alpine'], 'docker run -v/--volume: bind mounts are not supported; use a check block to place files'],
    [['--mount', 'type=bind,src=.,dst=/s', 'alpine'], 'docker run --mount: bind mounts are not supported; use a check block to place files'],
    [['-p', '8080:80', 'alpine'], 'docker run -p/--publish: publishing ports is not supported; containers run to completion without exposed ports'],
  ])('refuses %j', (args, reason) => {
    expect(run(...args)).toEqual({ ok: false, reason });
  });

  it('names an unknown flag and lists what is supported', () => {
    const parsed = run('--gpus', 'all', 'alpine');
    expect(parsed).toEqual({
      ok: false,
      reason:
        'unsupported flag --gpus for docker run; runbook-live supports: --rm, -e/--env, -u/--user, --network/--net, ' +
        '--read-only, --cap-drop, --cap-add, --security-opt, --pids-limit, -m/--memory, --cpus, --tmpfs, --entrypoint, ' +
        '--name, -w/--workdir, -l/--label',
    });
  });

  it('refuses a missing or invalid image', () => {
    expect(run('--rm')).toEqual({ ok: false, reason: 'docker run needs an image, e.g. docker run --rm alpine:3.20 true' });
    expect(run('--rm', 'My_Image')).toEqual({
      ok: false,
      reason:
        'docker run: image reference "My_Image" is not valid: the repository path must be lowercase; ' +
        'expected [registry[:port]/]name[:tag][@sha256:digest], e.g. ghcr.io/org/app:1.2',
    });
  });

  it('refuses -e NAME for an undeclared variable', () => {
    expect(run('-e', 'HOME', 'alpine')).toEqual({
      ok: false,
      reason:
        'variable HOME (passed as -e/--env HOME) is not declared; declare HOME under variables in the systems ' +
        "configuration (runbook-live never reads the server's environment)",
    });
    expect(run('-e', '=x', 'alpine')).toMatchObject({ ok: false, reason: expect.stringContaining('-e/--env "=x" has no valid key') });
  });

  it('refuses malformed values with the flag and what is expected', () => {
    expect(run('--memory', 'lots', 'alpine')).toMatchObject({ ok: false, reason: expect.stringMatching(/^docker run -m\/--memory: memory size "lots"/) });
    expect(run('--cpus', 'two', 'alpine')).toMatchObject({ ok: false, reason: expect.stringMatching(/^docker run --cpus: CPU count "two"/) });
    expect(run('--tmpfs', 'tmp', 'alpine')).toMatchObject({ ok: false, reason: expect.stringContaining('the mount path must be absolute') });
    expect(run('-w', 'app', 'alpine')).toEqual({
      ok: false,
      reason: 'docker run -w/--workdir "app" is not valid; expected an absolute path inside the container, e.g. /app',
    });
    expect(run('--security-opt', 'seccomp=./profile.json', 'alpine')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('seccomp profile files are read from the client machine'),
    });
  });
});
