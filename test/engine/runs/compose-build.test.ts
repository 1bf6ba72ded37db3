import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { imageIdOf, removeImageTag, testDocker } from '../../support/docker-leftovers.ts';
import { BASE_IMAGE, bash, makeWorld, RunsApi, unique, type RunsWorld } from './harness.ts';

// A runbook line `docker compose build` run by the real run service against the real engine:
// two services, `app` depending on `base` and built FROM the image `base` produced, are built
// through the Engine API one after the other, under the names and labels compose gives them.

const suffix = unique();
const PROJECT = `rl-compose-${suffix}`;
const BROKEN_PROJECT = `rl-compose-broken-${suffix}`;
const DOC = 'RUN-compose';
const IMAGES = [`${PROJECT}-app`, `${PROJECT}-base`, `${BROKEN_PROJECT}-first`];

const COMPOSE = `# The project name comes from a declared variable, so every test run has its own images.
name: \${PROJECT}
services:
  app:
    build:
      context: ./app
      args:
        BASE_IMAGE: \${PROJECT}-base
      labels:
        org.example.role: app
    depends_on: [base]
  base:
    build:
      context: ./base
      args: ["MARK=built-by-base-\${PROJECT}"]
  db:
    image: postgres:16
    ports: ["5432:5432"]
`;

const BROKEN = `name: ${BROKEN_PROJECT}
services:
  first: { build: ./base }
  second: { build: { context: ./base, dockerfile: Dockerfile.fail }, depends_on: [first] }
  third: { build: ./app, depends_on: [second] }
`;

const BODY = `## Build

${bash('name=compose-build', 'docker compose build')}
## Broken

${bash('name=compose-broken', 'docker compose -f compose.broken.yaml build')}
`;

let systemDir: string;
let world: RunsWorld;
let server: RunningServer;
let api: RunsApi;

beforeAll(async () => {
  systemDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-compose-system-'));
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(systemDir, file)), { recursive: true });
    writeFileSync(path.join(systemDir, file), content);
  };
  write('compose.yaml', COMPOSE);
  write('compose.broken.yaml', BROKEN);
  write('base/Dockerfile', `FROM ${BASE_IMAGE}\nARG MARK\nRUN echo "$MARK" > /base-marker\n`);
  write('base/Dockerfile.fail', `FROM ${BASE_IMAGE}\nRUN echo "second fails on purpose" && exit 3\n`);
  write('app/Dockerfile', 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN cat /base-marker\n');
  world = makeWorld({
    systemsYaml: `targets:
  local:
    url: unix:///var/run/docker.sock
systems:
  shop:
    dir: ${JSON.stringify(systemDir)}
    variables:
      PROJECT: ${PROJECT}
    targets: [local]
runs:
  concurrency: 2
  timeout_seconds: 180
`,
    runbooks: { 'runbook-compose.md': { system: 'shop', body: BODY } },
  });
  server = await startServer(world.env);
  api = new RunsApi(server);
});

afterEach(async ({ task }) => {
  await api.expectNoLeftovers(task);
});

afterAll(async () => {
  try {
    await api?.expectNoLeftovers();
  } finally {
    await server?.stop();
    // Dependents first: app's image is built on base's.
    for (const image of IMAGES) await removeImageTag(image);
    for (const image of IMAGES) expect(await imageIdOf(image), `${image} is removed`).toBeNull();
    world?.cleanup();
    rmSync(systemDir, { recursive: true, force: true });
  }
});

describe('docker compose build in a runbook', () => {
  it('builds base, then app FROM it, through the API, under compose names and labels', async () => {
    const block = await api.block(`${DOC}/compose-build`);
    expect(block).toMatchObject({ runnable: true, reason: null, steps: ['compose-build'] });
    expect(block.variables.map((v) => v.name)).toEqual(['PROJECT']);

    const run = await api.waitFinished((await api.start(block.id)).id, 150_000);
    expect(run, run.message ?? '').toMatchObject({ status: 'passed', failureKind: null });
    const built = (run.result as { steps: Array<{ kind: string; service?: string; tags: string[]; imageId: string }> }).steps;
    expect(built.map((s) => [s.kind, s.service, s.tags])).toEqual([
      ['build', 'base', [`${PROJECT}-base`]],
      ['build', 'app', [`${PROJECT}-app`]],
    ]);
    expect(run.imageId).toBe(built[1]!.imageId);

    // One after the other: app's build starts after base's has ended, and its RUN reads what base wrote.
    const texts = run.logs.map((l) => l.text);
    const at = (pattern: RegExp) => texts.findIndex((text) => pattern.test(text));
    const baseStarts = at(/^\[runbook-live\] compose service base \(1\/2\): image rl-compose-.+-base, context base, Dockerfile base\/Dockerfile$/);
    const baseBuilt = at(new RegExp(`^\\[runbook-live\\] built sha256:.+ \\(${PROJECT}-base\\)`));
    const appStarts = at(/^\[runbook-live\] compose service app \(2\/2\)/);
    const appReads = at(new RegExp(`^built-by-base-${PROJECT}$`));
    expect([baseStarts, baseBuilt, appStarts, appReads].every((i) => i >= 0), texts.join('\n')).toBe(true);
    expect(baseStarts).toBeLessThan(baseBuilt);
    expect(baseBuilt).toBeLessThan(appStarts);
    expect(appStarts).toBeLessThan(appReads);
    expect(texts).toContain('[runbook-live] compose service db has no build section (it uses the image postgres:16); nothing to build');

    const base = await testDocker.getImage(`${PROJECT}-base`).inspect();
    const app = await testDocker.getImage(`${PROJECT}-app`).inspect();
    expect(base.Id).toBe(built[0]!.imageId);
    expect(app.Id).toBe(built[1]!.imageId);
    expect(base.Config.Labels).toMatchObject({ 'com.docker.compose.project': PROJECT, 'com.docker.compose.service': 'base' });
    expect(app.Config.Labels).toMatchObject({ 'com.docker.compose.project': PROJECT, 'com.docker.compose.service': 'app', 'org.example.role': 'app' });
    // app is built on the image base produced moments before.
    expect(app.RootFS.Layers?.slice(0, base.RootFS.Layers?.length)).toEqual(base.RootFS.Layers);
    expect(Date.parse(app.Created)).toBeGreaterThanOrEqual(Date.parse(base.Created));
  }, 180_000);

  it('stops at the first service whose build fails, keeping what was built before it', async () => {
    const run = await api.waitFinished((await api.start(`${DOC}/compose-broken`)).id, 150_000);
    expect(run).toMatchObject({ status: 'failed', failureKind: 'build_failed' });
    expect(run.message).toMatch(/^docker build for service second failed: .*returned a non-zero code: 3/);
    expect((run.result as { steps: Array<{ kind: string; service?: string }> }).steps.map((s) => [s.kind, s.service])).toEqual([
      ['build', 'first'],
      ['build-failed', 'second'],
    ]);
    const texts = run.logs.map((l) => l.text);
    expect(texts).toContain('second fails on purpose');
    expect(texts.some((text) => text.includes('compose service third'))).toBe(false);
    expect(await imageIdOf(`${BROKEN_PROJECT}-first`)).not.toBeNull();
    expect(await imageIdOf(`${BROKEN_PROJECT}-second`)).toBeNull();
    expect(await imageIdOf(`${BROKEN_PROJECT}-third`)).toBeNull();
  }, 180_000);
});
