import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyBlock, variablesUsed } from '../../../src/lib/procedures/classify-block.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/procedures/${name}`, import.meta.url), 'utf8');
const variables = { RUNNER_IMAGE: 'skriptoteket-runner:latest', RUNNER_TOKEN: 'secret-token' };
const bash = (source: string, vars: Record<string, string> = variables) => classifyBlock({ lang: 'bash', source, variables: vars });

const RUNNER_BUILD = {
  kind: 'build',
  dockerfile: 'Dockerfile.runner',
  tags: ['skriptoteket-runner:latest'],
  buildArgs: {},
  labels: {},
  noCache: false,
  pull: false,
  quiet: false,
  contextPath: '.',
};

describe('classifyBlock: runnable blocks', () => {
  it('runs the runner build line as a build step', () => {
    expect(bash('docker build -f Dockerfile.runner -t skriptoteket-runner:latest .')).toEqual({
      runnable: true,
      steps: [RUNNER_BUILD],
      lines: [1],
    });
  });

  it('skips a leading comment line, as in a runbook', () => {
    expect(bash(fixture('build-runner.sh'))).toEqual({ runnable: true, steps: [RUNNER_BUILD], lines: [2] });
  });

  it('parses a multi-line hardened docker run with continuations and declared variables', () => {
    expect(bash(fixture('hardened-run.sh'))).toEqual({
      runnable: true,
      lines: [2],
      steps: [
        {
          kind: 'run',
          image: 'skriptoteket-runner:latest',
          cmd: ['-c', 'print("ok")'],
          entrypoint: 'python',
          env: { PYTHONDONTWRITEBYTECODE: '1', RUNNER_TOKEN: 'secret-token' },
          user: '10001:10001',
          network: 'none',
          readOnly: true,
          capDrop: ['ALL'],
          capAdd: [],
          securityOpt: ['no-new-privileges'],
          pidsLimit: 128,
          memoryBytes: 268435456,
          nanoCpus: 1500000000,
          tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m', '/work': '' },
          remove: true,
          name: 'runner-smoke',
          workdir: '/work',
          labels: { purpose: 'smoke' },
        },
      ],
    });
  });

  it('returns one step per command, with their lines', () => {
    const result = bash('docker build -f Dockerfile.runner -t skriptoteket-runner:latest .\n\ndocker image inspect ${RUNNER_IMAGE}; docker run --rm "$RUNNER_IMAGE" true');
    expect(result).toMatchObject({
      runnable: true,
      lines: [1, 3, 3],
      steps: [{ kind: 'build' }, { kind: 'image-inspect', images: ['skriptoteket-runner:latest'] }, { kind: 'run', cmd: ['true'] }],
    });
  });

  it('accepts sh and shell blocks, case-insensitively', () => {
    for (const lang of ['sh', 'shell', 'BASH']) {
      expect(classifyBlock({ lang, source: 'docker image inspect alpine', variables: {} }).runnable).toBe(true);
    }
  });
});

describe('classifyBlock: refusals', () => {
  it('refuses a remote ssh command with a clear reason', () => {
    expect(bash(fixture('deploy-remote.sh'))).toEqual({
      runnable: false,
      reason:
        'line 2: ssh is not supported (it runs commands on another host); to run it through the Docker engine on hemma instead, declare a target ' +
        "for that host (targets: { hemma: { url: ssh://USER@hemma } }), list it under the system's targets, and write the line without ssh: " +
        "docker compose -f compose.prod.yaml build runner (the files it reads then come from the system's folder, not from hemma)",
    });
  });

  it('refuses a pdm task', () => {
    expect(bash('pdm run precommit-run')).toEqual({
      runnable: false,
      reason: 'line 1: pdm is not supported; runbook-live runs only docker build, docker run, docker image inspect and docker compose build',
    });
  });

  it('refuses the whole block when any command is unsupported', () => {
    expect(bash('docker build .\ndocker compose up -d')).toEqual({
      runnable: false,
      reason: "line 2: docker compose up is not supported; of compose's commands runbook-live runs only build (write containers as docker run steps)",
    });
  });

  it('refuses an undeclared variable with how to declare it', () => {
    expect(bash('docker run --rm "${RUNNER_IMAGE}" true', {})).toEqual({
      runnable: false,
      reason:
        'line 1: variable RUNNER_IMAGE (used as ${RUNNER_IMAGE}) is not declared; declare RUNNER_IMAGE under variables ' +
        "in the systems configuration (runbook-live never reads the server's environment)",
    });
  });

  it('refuses an invalid image reference, also one coming from a variable', () => {
    expect(bash('docker run --rm Skriptoteket/Runner true')).toMatchObject({
      runnable: false,
      reason: expect.stringMatching(/^line 1: docker run: image reference "Skriptoteket\/Runner" is not valid/),
    });
    expect(bash('docker run --rm "$RUNNER_IMAGE" true', { RUNNER_IMAGE: 'runner:' })).toEqual({
      runnable: false,
      reason:
        'line 1: docker run: image reference "runner:" is not valid; expected [registry[:port]/]name[:tag][@sha256:digest], e.g. ghcr.io/org/app:1.2',
    });
  });

  it('refuses pipes and redirections with their line', () => {
    expect(bash('# list runners\ndocker images | grep runner')).toEqual({
      runnable: false,
      reason: 'line 2: pipes (|) need a shell; runbook-live runs commands without one',
    });
    expect(bash('docker build . > build.log')).toEqual({
      runnable: false,
      reason: 'line 1: redirections (>) need a shell; runbook-live runs commands without one',
    });
  });

  it('refuses prompts, other languages, missing languages and empty blocks', () => {
    expect(bash('$ docker build .')).toMatchObject({ runnable: false, reason: expect.stringContaining('"$ " prompt') });
    expect(classifyBlock({ lang: 'yaml', source: 'check: true', variables })).toEqual({
      runnable: false,
      reason: 'yaml blocks are not shell procedures; only bash, sh, shell blocks can run',
    });
    expect(classifyBlock({ lang: 'console', source: '$ docker ps', variables })).toEqual({
      runnable: false,
      reason: 'console blocks mix prompts with output; put just the commands in a bash block, without "$ " prompts',
    });
    expect(classifyBlock({ lang: null, source: 'docker build .', variables })).toEqual({
      runnable: false,
      reason: 'the block has no language; mark it ```bash to make it a runnable procedure',
    });
    expect(bash('# nothing to run here\n\n')).toEqual({
      runnable: false,
      reason: 'the block has no commands (only blank lines or comments)',
    });
  });
});

describe('variablesUsed', () => {
  it('lists $NAME and ${NAME} references, then bare -e / --build-arg names, without duplicates', () => {
    expect(variablesUsed(fixture('hardened-run.sh'))).toEqual(['RUNNER_IMAGE', 'RUNNER_TOKEN']);
    expect(variablesUsed('docker build --build-arg PY -t "$TAG" .\ndocker run -e TOKEN "${TAG}" echo $X')).toEqual([
      'TAG',
      'X',
      'PY',
      'TOKEN',
    ]);
  });

  it('ignores single-quoted and escaped dollars, and returns nothing for plain blocks', () => {
    expect(variablesUsed(`docker run alpine echo '$NOT' \\$ALSO_NOT "\\$NOPE"`)).toEqual([]);
    expect(variablesUsed('docker build .')).toEqual([]);
  });
});
