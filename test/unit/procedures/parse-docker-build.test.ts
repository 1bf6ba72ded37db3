import { describe, expect, it } from 'vitest';
import { lookupDeclared } from '../../../src/lib/procedures/declared-variables.ts';
import { parseDockerBuild } from '../../../src/lib/procedures/parse-docker-build.ts';

const lookup = lookupDeclared({ PY_VERSION: '3.13' });
const build = (...args: string[]) => parseDockerBuild(args, lookup);

const DEFAULTS = { kind: 'build', buildArgs: {}, labels: {}, noCache: false, pull: false, quiet: false };

describe('parseDockerBuild', () => {
  it('parses the runner build line', () => {
    expect(build('-f', 'Dockerfile.runner', '-t', 'skriptoteket-runner:latest', '.')).toEqual({
      ok: true,
      value: { ...DEFAULTS, dockerfile: 'Dockerfile.runner', tags: ['skriptoteket-runner:latest'], contextPath: '.' },
    });
  });

  it('parses every supported flag in both --flag value and --flag=value forms, after the context too', () => {
    const parsed = build(
      '--file=docker/Dockerfile', 'docker/', '--tag', 'app:1', '-t=app:latest', '--build-arg', 'A=1',
      '--build-arg=PY_VERSION', '--target', 'runtime', '--label', 'team=ops', '--label=empty', '--no-cache', '--pull',
      '-q', '--platform=linux/amd64',
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'build',
        dockerfile: 'docker/Dockerfile',
        tags: ['app:1', 'app:latest'],
        buildArgs: { A: '1', PY_VERSION: '3.13' },
        target: 'runtime',
        labels: { team: 'ops', empty: '' },
        noCache: true,
        pull: true,
        quiet: true,
        contextPath: 'docker',
        platform: 'linux/amd64',
      },
    });
  });

  it('defaults the Dockerfile to <context>/Dockerfile', () => {
    expect(build('./services/api/')).toMatchObject({
      ok: true,
      value: { dockerfile: 'services/api/Dockerfile', contextPath: 'services/api', tags: [] },
    });
  });

  it('needs exactly one local context path', () => {
    expect(build('-t', 'app')).toEqual({ ok: false, reason: 'docker build needs exactly one context path (e.g. "."), got none' });
    expect(build('a', 'b')).toEqual({
      ok: false,
      reason: 'docker build needs exactly one context path (e.g. "."), got "a", "b"',
    });
    expect(build('-')).toEqual({
      ok: false,
      reason: 'docker build: reading the build context from stdin (-) is not supported; use a path such as "."',
    });
    expect(build('https://github.com/org/repo.git#main')).toEqual({
      ok: false,
      reason: 'docker build: remote build context "https://github.com/org/repo.git#main" is not supported; use a local path such as "."',
    });
    expect(build('/srv/app')).toMatchObject({ ok: false, reason: expect.stringContaining('must be a relative path') });
    expect(build('../other')).toMatchObject({ ok: false, reason: expect.stringContaining('points outside the working directory') });
    expect(build('-f', '-', '.')).toMatchObject({ ok: false, reason: expect.stringContaining('Dockerfile (-f) from stdin') });
  });

  it('validates tags as image references without digests', () => {
    expect(build('-t', 'Runner:latest', '.')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^docker build -t: image reference "Runner:latest" is not valid: the repository path must be lowercase/),
    });
    expect(build('-t', `app@sha256:${'0'.repeat(64)}`, '.')).toMatchObject({
      ok: false,
      reason: expect.stringContaining("a tag can't contain a digest"),
    });
  });

  it('refuses unknown and client-side flags by name', () => {
    expect(build('--secret', 'id=x', '.')).toEqual({
      ok: false,
      reason: 'docker build --secret: build secrets are read from the client machine; runbook-live has no such files',
    });
    expect(build('--cache-from', 'x', '.')).toEqual({
      ok: false,
      reason:
        'unsupported flag --cache-from for docker build; runbook-live supports: -f/--file, -t/--tag, --build-arg, ' +
        '--target, --label, --no-cache, --pull, -q/--quiet, --platform',
    });
  });

  it('takes a bare --build-arg NAME only from declared variables', () => {
    expect(build('--build-arg', 'SECRET', '.')).toEqual({
      ok: false,
      reason:
        'variable SECRET (passed as --build-arg SECRET) is not declared; declare SECRET under variables in the ' +
        "systems configuration (runbook-live never reads the server's environment)",
    });
  });
});
