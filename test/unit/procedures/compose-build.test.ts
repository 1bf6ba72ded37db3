import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyBlock, variablesUsed } from '../../../src/lib/procedures/classify-block.ts';
import type { ComposeBuildStep } from '../../../src/lib/procedures/step-schemas.ts';

// `docker compose … build` lines against real compose files in temporary system folders:
// which services build, in which order, under which names and labels, and every refusal.

const scratch = mkdtempSync(path.join(tmpdir(), 'runbook-live-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
/** A system folder named `name` holding `files` (path → content); each Dockerfile is a one-liner. */
function system(files: Record<string, string>, name = `shop-${(folders += 1)}`): string {
  const dir = path.join(scratch, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const DOCKERFILES = { 'base/Dockerfile': 'FROM python:3.13-slim\n', 'app/Dockerfile': 'ARG BASE\nFROM $BASE\n' };
const TWO_SERVICES = `name: Shop_Demo
services:
  app:
    build:
      context: ./app
      args:
        BASE: shop_demo-base
      labels: [org.example.role=app]
    depends_on: [base]
  base:
    build: ./base
  db:
    image: postgres:16
`;

const variables = { IMAGE_TAG: '1.4', EMPTY: '' };
function classify(source: string, dir: string | null, vars: Record<string, string> = variables) {
  return classifyBlock({ lang: 'bash', source, variables: vars, systemDir: dir });
}
function composeStep(source: string, dir: string, vars: Record<string, string> = variables): ComposeBuildStep {
  const classified = classify(source, dir, vars);
  expect(classified, JSON.stringify(classified)).toMatchObject({ runnable: true });
  if (!classified.runnable) throw new Error('not runnable');
  expect(classified.steps).toHaveLength(1);
  const [step] = classified.steps;
  expect(step?.kind).toBe('compose-build');
  return step as ComposeBuildStep;
}
const reason = (source: string, dir: string | null, vars: Record<string, string> = variables): string => {
  const classified = classify(source, dir, vars);
  expect(classified.runnable, JSON.stringify(classified)).toBe(false);
  return classified.runnable ? '' : classified.reason;
};
const order = (step: ComposeBuildStep) => step.builds.map((b) => b.service);

describe('docker compose build: what is built, in which order, under which names', () => {
  it('builds every service with a build section, dependencies first, named and labelled as compose names them', () => {
    const dir = system({ 'compose.yaml': TWO_SERVICES, ...DOCKERFILES });
    const step = composeStep('docker compose build', dir);
    expect(step).toEqual({
      kind: 'compose-build',
      project: 'shop_demo',
      files: ['compose.yaml'],
      builds: [
        {
          service: 'base',
          build: {
            kind: 'build', contextPath: 'base', dockerfile: 'base/Dockerfile', tags: ['shop_demo-base'], buildArgs: {},
            labels: { 'com.docker.compose.project': 'shop_demo', 'com.docker.compose.service': 'base' },
            noCache: false, pull: false, quiet: false,
          },
        },
        {
          service: 'app',
          build: {
            kind: 'build', contextPath: 'app', dockerfile: 'app/Dockerfile', tags: ['shop_demo-app'], buildArgs: { BASE: 'shop_demo-base' },
            labels: { 'org.example.role': 'app', 'com.docker.compose.project': 'shop_demo', 'com.docker.compose.service': 'app' },
            noCache: false, pull: false, quiet: false,
          },
        },
      ],
      skipped: [{ service: 'db', reason: 'has no build section (it uses the image postgres:16)' }],
    });
  });

  it('names the project after its folder when the files have no name, and after -p over both', () => {
    const dir = system({ 'compose.yaml': TWO_SERVICES.replace('name: Shop_Demo\n', ''), ...DOCKERFILES }, 'My.Shop-2');
    expect(composeStep('docker compose build base', dir)).toMatchObject({ project: 'myshop-2', builds: [{ build: { tags: ['myshop-2-base'] } }] });
    expect(composeStep('docker compose -p nightly build base', dir)).toMatchObject({ project: 'nightly', builds: [{ build: { tags: ['nightly-base'] } }] });
    expect(reason('docker compose -p Nightly build base', dir)).toBe(
      'line 1: docker compose -p "Nightly": a project name must consist only of lower-case letters, digits, "-" and "_", and start with a letter or digit',
    );
  });

  it('tags with image: first, then build.tags, and lets compose labels win over the build labels', () => {
    const dir = system({
      'compose.yaml': `services:
  api:
    image: registry.example/api:\${IMAGE_TAG}
    build:
      context: .
      dockerfile: docker/Dockerfile.api
      target: runtime
      tags: ["registry.example/api:latest", "registry.example/api:\${IMAGE_TAG}"]
      labels: { com.docker.compose.service: spoofed, team: web }
      no_cache: true
    platform: linux/amd64
`,
      'docker/Dockerfile.api': 'FROM python:3.13-slim\n',
    });
    expect(composeStep('docker compose build', dir).builds).toEqual([
      {
        service: 'api',
        build: {
          kind: 'build', contextPath: '.', dockerfile: 'docker/Dockerfile.api', target: 'runtime', platform: 'linux/amd64',
          tags: ['registry.example/api:1.4', 'registry.example/api:latest'],
          buildArgs: {},
          labels: { 'com.docker.compose.service': 'api', team: 'web', 'com.docker.compose.project': path.basename(dir) },
          noCache: true, pull: false, quiet: false,
        },
      },
    ]);
  });

  it('builds only the named services, and their dependencies only with --with-dependencies', () => {
    const dir = system({ 'compose.yaml': TWO_SERVICES, ...DOCKERFILES });
    expect(order(composeStep('docker compose build app', dir))).toEqual(['app']);
    expect(order(composeStep('docker compose build --with-dependencies app', dir))).toEqual(['base', 'app']);
    expect(order(composeStep('docker compose build app base', dir))).toEqual(['base', 'app']);
    expect(composeStep('docker compose build db app', dir).skipped).toEqual([{ service: 'db', reason: 'has no build section (it uses the image postgres:16)' }]);
  });

  it('orders through services that are not built, and keeps declaration order between independent ones', () => {
    const dir = system({
      'compose.yaml': `services:
  web: { build: ./app, depends_on: { proxy: { condition: service_started } } }
  proxy: { image: nginx, depends_on: [base] }
  worker: { build: ./app }
  base: { build: ./base }
`,
      ...DOCKERFILES,
    });
    expect(order(composeStep('docker compose build', dir))).toEqual(['base', 'web', 'worker']);
    expect(order(composeStep('docker compose build worker web base', dir))).toEqual(['base', 'web', 'worker']);
  });

  it('enables profiled services with --profile, with *, or by naming them', () => {
    const dir = system({
      'compose.yaml': `services:
  runner: { build: ./base, profiles: [build-only] }
  tools: { build: ./app, profiles: [debug, build-only] }
  web: { build: ./app }
`,
      ...DOCKERFILES,
    });
    expect(order(composeStep('docker compose build', dir))).toEqual(['web']);
    expect(order(composeStep('docker compose --profile build-only build', dir))).toEqual(['runner', 'tools', 'web']);
    expect(order(composeStep('docker compose build --profile debug', dir))).toEqual(['tools', 'web']);
    expect(order(composeStep("docker compose --profile '*' build", dir))).toEqual(['runner', 'tools', 'web']);
    expect(order(composeStep('docker compose build runner', dir))).toEqual(['runner']);
    expect(order(composeStep('docker compose -f compose.yaml --profile build-only build runner', dir))).toEqual(['runner']);
  });

  it('applies --no-cache, --pull and --build-arg to every service, over the files\' own args', () => {
    const dir = system({ 'compose.yaml': TWO_SERVICES, ...DOCKERFILES });
    const step = composeStep('docker compose build --no-cache --pull --build-arg BASE=other --build-arg IMAGE_TAG', dir);
    expect(step.builds.map((b) => [b.build.noCache, b.build.pull, b.build.buildArgs])).toEqual([
      [true, true, { BASE: 'other', IMAGE_TAG: '1.4' }],
      [true, true, { BASE: 'other', IMAGE_TAG: '1.4' }],
    ]);
  });

  it('reads args and labels as lists or maps, a bare arg from a declared variable, numbers as text', () => {
    const dir = system({
      'compose.yaml': `services:
  app:
    build:
      context: app
      args: [BASE=python:3.13-slim, IMAGE_TAG, "EMPTY_ONE="]
      labels: { version: 2, enabled: true, bare: null }
`,
      ...DOCKERFILES,
    });
    const [built] = composeStep('docker compose build', dir).builds;
    expect(built?.build.buildArgs).toEqual({ BASE: 'python:3.13-slim', IMAGE_TAG: '1.4', EMPTY_ONE: '' });
    expect(built?.build.labels).toMatchObject({ version: '2', enabled: 'true', bare: '' });
    expect(reason('docker compose build', dir, { EMPTY: '' })).toBe(
      "line 1: variable IMAGE_TAG (a build arg of service app without a value) is not declared; declare IMAGE_TAG under variables in the systems configuration (runbook-live never reads the server's environment)",
    );
  });
});

describe('docker compose build: files', () => {
  it('merges several -f files the way compose does', () => {
    const dir = system({
      'compose.yaml': TWO_SERVICES,
      'deploy/compose.prod.yaml': `name: shop-prod
services:
  app:
    image: shop/app:\${IMAGE_TAG}
    build:
      dockerfile: Dockerfile.prod
      args: { MODE: prod }
      tags: [shop/app:latest]
      labels: { org.example.role: frontend }
    depends_on: [cache]
    profiles: [prod]
  cache:
    build: ./base
`,
      'app/Dockerfile.prod': 'FROM python:3.13-slim\n',
      ...DOCKERFILES,
    });
    const step = composeStep('docker compose -f compose.yaml -f deploy/compose.prod.yaml --profile prod build', dir);
    expect(step.project).toBe('shop-prod');
    expect(step.files).toEqual(['compose.yaml', 'deploy/compose.prod.yaml']);
    expect(order(step)).toEqual(['base', 'cache', 'app']);
    // Paths in every file are relative to the project directory: the first file's folder.
    expect(step.builds.find((b) => b.service === 'cache')?.build.contextPath).toBe('base');
    expect(step.builds.find((b) => b.service === 'app')?.build).toMatchObject({
      contextPath: 'app',
      dockerfile: 'app/Dockerfile.prod',
      tags: ['shop/app:1.4', 'shop/app:latest'],
      buildArgs: { BASE: 'shop_demo-base', MODE: 'prod' },
      labels: { 'org.example.role': 'frontend' },
    });
  });

  it('finds compose.yaml and its override file without -f, preferring the names compose prefers', () => {
    const dir = system({
      'compose.yml': 'services:\n  base: { build: ./base }\n',
      'docker-compose.yml': 'services:\n  ignored: { build: ./base }\n',
      'compose.override.yaml': 'services:\n  base: { build: { target: dev } }\n',
      ...DOCKERFILES,
    });
    const step = composeStep('docker compose build', dir);
    expect(step.files).toEqual(['compose.yml', 'compose.override.yaml']);
    expect(step.builds).toMatchObject([{ service: 'base', build: { target: 'dev', contextPath: 'base' } }]);
  });

  it('resolves paths against --project-directory, and finds the files there or above it', () => {
    const dir = system({ 'compose.yaml': 'services:\n  base: { build: . }\n', ...DOCKERFILES });
    expect(composeStep('docker compose --project-directory base build', dir)).toMatchObject({
      project: 'base',
      files: ['compose.yaml'],
      builds: [{ build: { contextPath: 'base', dockerfile: 'base/Dockerfile', tags: ['base-base'] } }],
    });
  });

  it('refuses files and folders outside the system folder, or not there at all', () => {
    const dir = system({ 'compose.yaml': TWO_SERVICES, ...DOCKERFILES });
    writeFileSync(path.join(scratch, 'outside.yaml'), TWO_SERVICES);
    symlinkSync(path.join(scratch, 'outside.yaml'), path.join(dir, 'linked.yaml'));
    expect(reason('docker compose -f ../outside.yaml build', dir)).toBe(
      `line 1: docker compose -f ../outside.yaml: the compose file is outside the system's folder ${dir}; runbook-live reads only files inside it`,
    );
    expect(reason('docker compose -f linked.yaml build', dir)).toContain('the compose file is outside the system\'s folder');
    expect(reason('docker compose -f /etc/compose.yaml build', dir)).toBe(
      'line 1: docker compose -f "/etc/compose.yaml": the compose file must be a relative path inside the system\'s folder, e.g. compose.yaml',
    );
    expect(reason('docker compose -f compose.prod.yaml build', dir)).toBe(`line 1: docker compose -f compose.prod.yaml: there is no compose file compose.prod.yaml in the system's folder ${dir}`);
    expect(reason('docker compose -f - build', dir)).toContain('reading the compose file from stdin is not supported');
    expect(reason('docker compose build', system({ 'Dockerfile': 'FROM x\n' }))).toMatch(/found no compose file: none of compose\.yaml, compose\.yml, docker-compose\.yml, docker-compose\.yaml is in the system's folder .+; name the file with -f$/);
    expect(reason('docker compose build', null)).toBe("line 1: docker compose build reads its compose file from the system's folder; give the doc a system: that is configured with a dir");
  });

  it('refuses YAML compose would not read the same way, naming the line', () => {
    expect(reason('docker compose build', system({ 'compose.yaml': 'services:\n  a: { build: . }\n  a: { build: . }\n' }))).toBe('line 1: compose.yaml: Map keys must be unique at line 3, column 3');
    expect(reason('docker compose build', system({ 'compose.yaml': 'services:\n  a:\n    build: !reset null\n' }))).toBe('line 1: compose.yaml: Unresolved tag: !reset at line 3, column 12');
    expect(reason('docker compose build', system({ 'compose.yaml': '' }))).toBe('line 1: compose.yaml is empty; a compose file needs services:');
    // Ten aliases of ten aliases of ten: a small file that would expand a thousandfold.
    const tenOf = (anchor: string) => `[${Array(10).fill(`*${anchor}`).join(', ')}]`;
    const bomb = `x-a: &a [1, 2]\nx-b: &b ${tenOf('a')}\nx-c: &c ${tenOf('b')}\nx-d: ${tenOf('c')}\nservices: {}\n`;
    expect(reason('docker compose build', system({ 'compose.yaml': bomb }))).toBe(
      'line 1: compose.yaml could not be read: Excessive alias count indicates a resource exhaustion attack',
    );
  });
});

describe('docker compose build: refusals name what compose would do differently', () => {
  const refusal = (composeYaml: string, line = 'docker compose build', extra: Record<string, string> = {}) =>
    reason(line, system({ 'compose.yaml': composeYaml, ...DOCKERFILES, ...extra }));

  it('refuses the build keys the Engine API builder cannot honour, with the reason', () => {
    expect(refusal('services:\n  app:\n    build: { context: app, ssh: [default] }\n')).toBe(
      'line 1: compose.yaml: services.app.build.ssh is not supported: SSH agent forwarding needs an agent on the client; runbook-live has none',
    );
    expect(refusal('services:\n  app:\n    build: { context: app, secrets: [token] }\n')).toContain('services.app.build.secrets is not supported: build secrets are read from files');
    expect(refusal('services:\n  app:\n    build: { context: app, cache_from: [a] }\n')).toContain('services.app.build.cache_from is not supported');
    expect(refusal('services:\n  app:\n    build: { context: app, frobnicate: 1 }\n')).toBe(
      'line 1: compose.yaml: services.app.build.frobnicate is not a build key runbook-live knows; it builds with context, dockerfile, args, target, tags, labels, no_cache, pull',
    );
  });

  it('refuses include, extends and unknown top-level keys, and ignores keys that do not change a build', () => {
    expect(refusal('include: [other.yaml]\nservices:\n  app: { build: app }\n')).toBe(
      'line 1: compose.yaml: include is not supported: include pulls in further compose files and their folders; list the files with -f instead',
    );
    expect(refusal('services:\n  app: { build: app, extends: { service: base } }\n')).toContain('services.app.extends is not supported');
    expect(refusal('servics:\n  app: { build: app }\n')).toContain('top-level key servics is not a compose key');
    const dir = system({
      'compose.yaml': 'version: "3.9"\nx-common: &common { restart: always }\nservices:\n  app:\n    <<: *common\n    build: app\n    ports: ["8080:80"]\n    environment: ["SECRET=${NOT_DECLARED}"]\nvolumes: { data: {} }\n',
      ...DOCKERFILES,
    });
    expect(order(composeStep('docker compose build', dir))).toEqual(['app']);
  });

  it('refuses remote contexts, and contexts or Dockerfiles that leave the folder the engine is sent', () => {
    expect(refusal('services:\n  app: { build: "https://github.com/org/repo.git#main" }\n')).toBe(
      'line 1: service app: remote build context "https://github.com/org/repo.git#main" is not supported; use a folder inside the system\'s folder',
    );
    expect(refusal('services:\n  app: { build: ../.. }\n')).toContain('build context "../.." is outside the system\'s folder');
    expect(refusal('services:\n  app: { build: { context: app, dockerfile: ../base/Dockerfile } }\n')).toBe(
      'line 1: service app: build.dockerfile "../base/Dockerfile" is outside the build context; the engine\'s builder receives only the context, so move the Dockerfile into it',
    );
    expect(refusal('services:\n  app: { build: ./missing }\n')).toBe('line 1: service app: build context "./missing" is not a folder in the system\'s folder');
  });

  it('refuses projects compose itself refuses: cycles, unknown dependencies, services with nothing to run', () => {
    expect(refusal('services:\n  a: { build: app, depends_on: [b] }\n  b: { build: base, depends_on: [a] }\n')).toBe(
      'line 1: dependency cycle detected: a -> b -> a; compose refuses the project',
    );
    expect(refusal('services:\n  a: { build: app, depends_on: [ghost] }\n')).toBe('line 1: service a depends on undefined service ghost; compose refuses the project');
    expect(order(composeStep('docker compose build', system({ 'compose.yaml': 'services:\n  a: { build: app, depends_on: { ghost: { required: false } } }\n', ...DOCKERFILES })))).toEqual(['a']);
    expect(refusal('services:\n  a: { ports: ["80"] }\n')).toBe('line 1: service a has neither an image nor a build section; compose refuses the project');
    expect(refusal(TWO_SERVICES, 'docker compose build web')).toBe('line 1: docker compose build web: no such service; the project has app, base, db');
    expect(refusal(TWO_SERVICES, 'docker compose build db')).toBe(
      'line 1: docker compose build would build nothing: none of db has a build section; check the service names and --profile',
    );
  });

  it('refuses image names compose would give that the engine cannot take', () => {
    expect(refusal('services:\n  App: { build: app }\n')).toMatch(/^line 1: service App: the image name compose gives it, ".+-App", is not a valid image name: .+; set image: for the service$/);
    expect(refusal('services:\n  app: { build: app, image: "app@sha256:0123" }\n')).toMatch(/^line 1: service app: image "app@sha256:0123" (is not a valid image name|names a digest)/);
  });

  it('refuses interpolation of undeclared variables in what a build reads, and with a .env file in the project', () => {
    expect(refusal('services:\n  app: { build: app, image: "shop/app:${RELEASE}" }\n')).toBe(
      "line 1: variable RELEASE (used in compose.yaml: services.app.image) is not declared; declare RELEASE under variables in the systems configuration (runbook-live never reads the server's environment)",
    );
    expect(refusal('services:\n  app: { build: app, image: "shop/app:${RELEASE:-dev}" }\n', 'docker compose build', { '.env': 'RELEASE=9\n' })).toContain(
      "compose would look for it in the project's .env file, which runbook-live does not read",
    );
  });

  it('refuses compose commands other than build, and flags whose effect it cannot reproduce', () => {
    const dir = system({ 'compose.yaml': TWO_SERVICES, ...DOCKERFILES });
    expect(reason('docker compose up -d', dir)).toBe('line 1: docker compose up is not supported; of compose\'s commands runbook-live runs only build (write containers as docker run steps)');
    expect(reason('docker compose', dir)).toBe('line 1: docker compose needs a command; runbook-live runs docker compose build');
    expect(reason('docker compose --env-file prod.env build', dir)).toBe(
      "line 1: docker compose --env-file: compose would read variables from that file; declare them under the system's variables instead",
    );
    expect(reason('docker compose build --push', dir)).toBe('line 1: docker compose build --push: pushing needs registry credentials; runbook-live only builds images');
    expect(reason('docker compose build --ssh default', dir)).toContain('docker compose build --ssh: SSH agent forwarding');
    expect(reason('docker-compose build', dir)).toContain('docker-compose (the Compose v1 command) is not supported; write docker compose');
  });
});

describe('docker compose build: variables', () => {
  it('lists the declared variables the compose file interpolates, for the Run form', () => {
    const dir = system({
      'compose.yaml': 'services:\n  app:\n    image: shop/app:${IMAGE_TAG:-dev}\n    build: { context: app, args: [BASE] }\n    environment: ["X=${NOT_READ}"]\n',
      ...DOCKERFILES,
    });
    expect(variablesUsed('docker compose build --build-arg MODE="$EMPTY"', dir)).toEqual(['EMPTY', 'IMAGE_TAG', 'BASE']);
  });

  it('resolves the compose file again with the variables in effect', () => {
    const dir = system({ 'compose.yaml': 'services:\n  app:\n    image: shop/app:${IMAGE_TAG:-dev}\n    build: app\n', ...DOCKERFILES });
    expect(composeStep('docker compose build', dir, {}).builds[0]?.build.tags).toEqual(['shop/app:dev']);
    expect(composeStep('docker compose build', dir, { IMAGE_TAG: '2.0' }).builds[0]?.build.tags).toEqual(['shop/app:2.0']);
  });
});
