import { describe, expect, it } from 'vitest';
import { lookupDeclared } from '../../../src/lib/procedures/declared-variables.ts';
import { parseDockerCommand, validateImageReference } from '../../../src/lib/procedures/parse-docker-command.ts';

const lookup = lookupDeclared({});
const parse = (line: string) => parseDockerCommand(line.split(' '), lookup);
const SUPPORTED = 'runbook-live runs only docker build, docker run and docker image inspect';

describe('parseDockerCommand: routing', () => {
  it('accepts the build and run aliases', () => {
    expect(parse('docker image build .')).toMatchObject({ ok: true, value: { kind: 'build', contextPath: '.' } });
    expect(parse('docker container run --rm alpine true')).toMatchObject({
      ok: true,
      value: { kind: 'run', image: 'alpine', cmd: ['true'], remove: true },
    });
  });

  it('parses docker image inspect and docker inspect --type image', () => {
    expect(parse('docker image inspect alpine:3.20 skriptoteket-runner:latest')).toEqual({
      ok: true,
      value: { kind: 'image-inspect', images: ['alpine:3.20', 'skriptoteket-runner:latest'] },
    });
    expect(parse('docker inspect --type image alpine')).toEqual({ ok: true, value: { kind: 'image-inspect', images: ['alpine'] } });
    expect(parse('docker inspect --type=image alpine')).toEqual({ ok: true, value: { kind: 'image-inspect', images: ['alpine'] } });
  });

  it('refuses inspect forms that may not be about images, or that need the CLI', () => {
    expect(parse('docker inspect alpine')).toEqual({
      ok: false,
      reason: 'docker inspect without --type may inspect containers or volumes; use docker image inspect IMAGE (or --type image)',
    });
    expect(parse('docker inspect --type container web')).toMatchObject({ ok: false, reason: expect.stringContaining('with --type "container"') });
    expect(parse('docker image inspect')).toEqual({
      ok: false,
      reason: 'docker image inspect needs at least one image, e.g. docker image inspect alpine:3.20',
    });
    expect(parse('docker image inspect -f {{.Id}} alpine')).toEqual({
      ok: false,
      reason:
        'docker image inspect -f/--format: output templates are rendered by the docker CLI; runbook-live shows the full JSON instead, so drop it',
    });
    expect(parse('docker image inspect Alpine')).toMatchObject({ ok: false, reason: expect.stringContaining('must be lowercase') });
  });

  it('refuses other programs by name', () => {
    expect(parse('pdm run precommit-run')).toEqual({ ok: false, reason: `pdm is not supported; ${SUPPORTED}` });
    expect(parseDockerCommand(['ssh', 'hemma', 'uptime'], lookup)).toEqual({
      ok: false,
      reason: `ssh is not supported (it runs commands on another host); ${SUPPORTED}`,
    });
    expect(parse('cd app')).toEqual({
      ok: false,
      reason: 'cd is a shell keyword or builtin and needs a shell; runbook-live runs commands without one',
    });
    expect(parse('constructor')).toEqual({ ok: false, reason: `constructor is not supported; ${SUPPORTED}` });
  });

  it('refuses other docker subcommands and global flags by name', () => {
    expect(parse('docker compose -f compose.prod.yaml build runner')).toEqual({
      ok: false,
      reason: 'docker compose is not supported; write the build and run steps as docker build and docker run',
    });
    expect(parse('docker buildx build .')).toEqual({
      ok: false,
      reason: "docker buildx is not supported; use docker build, which runs on the engine's own builder",
    });
    expect(parse('docker push app:1')).toEqual({ ok: false, reason: `docker push is not supported; ${SUPPORTED}` });
    expect(parse('docker image rm app:1')).toEqual({ ok: false, reason: `docker image rm is not supported; ${SUPPORTED}` });
    expect(parse('docker container ls')).toEqual({ ok: false, reason: `docker container ls is not supported; ${SUPPORTED}` });
    expect(parse('docker --context prod run alpine')).toEqual({
      ok: false,
      reason: 'docker global flags (--context) are not supported; runbook-live always talks to its configured Docker engine',
    });
    expect(parseDockerCommand(['docker'], lookup)).toMatchObject({ ok: false, reason: expect.stringContaining('without a subcommand') });
  });

  it('re-exports validateImageReference for the HTTP layer', () => {
    expect(validateImageReference('skriptoteket-runner:latest')).toBeNull();
    expect(validateImageReference('not an image')).toContain('contains whitespace');
  });
});
