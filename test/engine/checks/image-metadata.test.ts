import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { executeCheck } from '../../../src/lib/checks/execute-check.ts';
import { parseCheckSpec } from '../../../src/lib/checks/parse-check-spec.ts';
import { resolveCheck } from '../../../src/lib/checks/resolve-check.ts';
import { EMPTY_LIBRARY } from '../../../src/lib/checks/declared-blocks.ts';
import { BASE_IMAGE, engineClient, expectNoManagedLeftovers, fixtureDir, uniqueRunId, waitForBaseImage } from '../docker/support.ts';

// Image metadata and file metadata assertions against a real image built from
// test/fixtures/docker/metadata: a check judged on what `docker image inspect` reports and on
// the tar headers the archive API sends back for the files the container left in /work.

const client = engineClient();
const IMAGE = `runbook-live-test/metadata:${uniqueRunId('metadata')}`;

// The tool writes one file with a mode of its own and leaves a second one to the umask; the
// check itself places input/manifest.json, owned by the hardening user.
const TOOL = [
  'import os',
  "open('/work/output/report.txt', 'w').write('ok\\n')",
  "os.chmod('/work/output/report.txt', 0o640)",
  "open('/work/output/plain.txt', 'w').write('plain\\n')",
].join('; ');

/** Runs `expect` (YAML list items) against the fixture image and returns each verdict as `status label: expected | actual`. */
async function verdictsFor(expectations: string): Promise<string[]> {
  const source = [
    `image: ${IMAGE}`,
    'timeout: 20s',
    'hardening: { user: "10001:10001", network: none, cap_drop: [ALL] }',
    // The generic spec names everything placed: a fresh volume at /work, the folder the tool
    // writes into, and one file of the check's own.
    'volumes: [{ path: /work, fresh: true }]',
    'files:',
    '  - { path: /work/output/, directory: true }',
    '  - { path: /work/input/manifest.json, json: [] }',
    `command: [-c, ${JSON.stringify(TOOL)}]`,
    'expect:',
    expectations,
  ].join('\n');
  const parsed = parseCheckSpec(source, 1);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const resolved = resolveCheck(parsed.spec, EMPTY_LIBRARY);
  if (!resolved.ok) throw new Error(resolved.reason);
  const outcome = await executeCheck(resolved.check, {
    docker: client,
    systemDir: null,
    runId: uniqueRunId('metadata-run'),
    blockId: 'TEST-metadata/check',
    signal: new AbortController().signal,
    log: () => {},
  });
  expect(outcome).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false });
  return outcome.verdicts.map((v) => `${v.status} ${v.label}: ${v.expected} | ${v.actual}`);
}

describe('image and file metadata assertions (real engine, real image)', () => {
  beforeAll(async () => {
    await waitForBaseImage(client);
    const built = await client.buildImage({ contextDir: fixtureDir('metadata'), tags: [IMAGE], buildArgs: { BASE_IMAGE } });
    expect(built, 'the metadata fixture image builds').toMatchObject({ ok: true });
  });

  beforeEach(() => client.newScope());

  afterEach(async ({ task }) => {
    await expectNoManagedLeftovers(client, task);
  });

  afterAll(async () => {
    await client.removeImage(IMAGE);
  });

  it('passes what the Dockerfile declares and the container wrote', async () => {
    const verdicts = await verdictsFor(`
  - image_labels: { contains: { org.example.contract: "2", org.example.owner: platform } }
  - image_env: { contains: { SERVICE_MODE: strict, PYTHONUNBUFFERED: 1 } }
  - image_env: { matches: { PATH: /usr/bin } }
  - image_user: "10001:10001"
  - image_workdir: /srv/app
  - image_entrypoint: [python3]
  - image_cmd: { contains: -c }
  - image_exposed_ports: [8080, 9090/udp]
  - image_volumes: { contains: /data }
  - file: output/report.txt
    mode: "0640"
  - file: output/report.txt
    owner: "10001:10001"
  - file: input/manifest.json
    mode: "0644"`);
    expect(verdicts).toEqual([
      'passed image labels have org.example.contract=2, org.example.owner=platform: org.example.contract=2, org.example.owner=platform | org.example.contract=2, org.example.owner=platform',
      'passed image ENV has SERVICE_MODE=strict, PYTHONUNBUFFERED=1: SERVICE_MODE=strict, PYTHONUNBUFFERED=1 | SERVICE_MODE=strict, PYTHONUNBUFFERED=1',
      expect.stringMatching(/^passed image ENV has PATH matching \/\/usr\/bin\/: PATH matching \/\/usr\/bin\/ \| PATH=.*\/usr\/bin/),
      'passed image USER is "10001:10001": "10001:10001" | "10001:10001"',
      'passed image WORKDIR is "/srv/app": "/srv/app" | "/srv/app"',
      'passed image ENTRYPOINT is ["python3"]: ["python3"] | ["python3"]',
      `passed image CMD includes ["-c"]: includes ["-c"] | ["-c","print('configured')"]`,
      'passed image exposed ports are ["8080/tcp","9090/udp"]: ["8080/tcp","9090/udp"] | ["8080/tcp","9090/udp"]',
      'passed image volumes include ["/data"]: includes ["/data"] | ["/data"]',
      'passed output/report.txt has mode 0640: 0640 (rw-r-----) | 0640 (rw-r-----)',
      'passed output/report.txt is owned by 10001:10001: 10001:10001 | 10001:10001',
      'passed input/manifest.json has mode 0644: 0644 (rw-r--r--) | 0644 (rw-r--r--)',
    ]);
  });

  it('fails each claim the image or the files do not bear out, with expected against actual', async () => {
    const verdicts = await verdictsFor(`
  - image_labels: { contains: { org.example.contract: "3" } }
  - image_env: { contains: { SERVICE_MODE: lax } }
  - image_user: { equals: "0" }
  - image_workdir: { matches: "^/work" }
  - image_exposed_ports: { contains: 443 }
  - file: output/report.txt
    mode: "0644"
  - file: output/plain.txt
    mode: "0600"
  - file: output/report.txt
    owner: 0`);
    expect(verdicts).toEqual([
      'failed image labels have org.example.contract=3: org.example.contract=3 | org.example.contract=2',
      'failed image ENV has SERVICE_MODE=lax: SERVICE_MODE=lax | SERVICE_MODE=strict',
      'failed image USER is "0": "0" | "10001:10001"',
      'failed image WORKDIR matches /^/work/: matches /^/work/ | "/srv/app"',
      'failed image exposed ports include ["443/tcp"]: includes ["443/tcp"] | ["8080/tcp","9090/udp"], without "443/tcp"',
      'failed output/report.txt has mode 0644: 0644 (rw-r--r--) | 0640 (rw-r-----)',
      // Left to the default umask (022) of the base image.
      'failed output/plain.txt has mode 0600: 0600 (rw-------) | 0644 (rw-r--r--)',
      'failed output/report.txt is owned by 0: uid 0 | uid 10001 (gid 10001)',
    ]);
  });
});
