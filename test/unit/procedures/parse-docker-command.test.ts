import { describe, expect, it } from 'vitest';
import { lookupDeclared } from '../../../src/lib/procedures/declared-variables.ts';
import { parseDockerCommand, validateImageReference } from '../../../src/lib/procedures/parse-docker-command.ts';

const lookup = lookupDeclared({});
const parse = (line: string) => parseDockerCommand(line.split(' '), lookup);
const SUPPORTED = 'runbook-live runs only docker build, docker run, docker image inspect and docker compose build';

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
      reason: 'ssh is not supported (it runs commands on another host); runbook-live runs only docker commands, through a Docker engine it is configured for',
    });
    expect(parse('cd app')).toEqual({
      ok: false,
      reason: 'cd is a shell keyword or builtin and needs a shell; runbook-live runs commands without one',
    });
    expect(parse('constructor')).toEqual({ ok: false, reason: `constructor is not supported; ${SUPPORTED}` });
  });

  it('says which target an ssh line running docker would need', () => {
    const reasonFor = (...argv: string[]) => {
      const parsed = parseDockerCommand(argv, lookup);
      return parsed.ok ? '' : parsed.reason;
    };
    expect(reasonFor('ssh', 'deploy@tools-host', 'cd /srv/app && docker compose --profile build-only build runner')).toBe(
      'ssh is not supported (it runs commands on another host); to run it through the Docker engine on tools-host instead, declare a target for ' +
        "that host (targets: { tools-host: { url: ssh://deploy@tools-host } }), list it under the system's targets, and write the line without ssh: " +
        "docker compose --profile build-only build runner (the files it reads then come from the system's folder, not from tools-host)",
    );
    expect(reasonFor('ssh', '-p', '2222', '-l', 'ops', '-o', 'BatchMode=yes', 'build-box', 'docker', 'build', '-t', 'app', '.')).toContain(
      '(targets: { build-box: { url: ssh://ops@build-box } }), list it under the system\'s targets, and write the line without ssh: docker build -t app .',
    );
    expect(reasonFor('ssh', 'prod', 'sudo systemctl restart docker')).toBe(
      'ssh is not supported (it runs commands on another host); runbook-live runs only docker commands, through a Docker engine it is configured for',
    );
    expect(reasonFor('ssh', '-v')).toBe('ssh is not supported (it runs commands on another host); runbook-live runs only commands it can send to a Docker engine');
  });

  it('refuses other docker subcommands and global flags by name', () => {
    expect(parse('docker compose -f compose.prod.yaml up runner')).toEqual({
      ok: false,
      reason: "docker compose up is not supported; of compose's commands runbook-live runs only build (write containers as docker run steps)",
    });
    // Without the system's folder there is no compose file to read.
    expect(parse('docker compose -f compose.prod.yaml build runner')).toEqual({
      ok: false,
      reason: "docker compose build reads its compose file from the system's folder; give the doc a system: that is configured with a dir",
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
