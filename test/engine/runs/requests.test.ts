import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../support/server.ts';
import { BASE_IMAGE, bash, makeWorld, RunsApi, SYSTEM_DIR, type RunsWorld } from './harness.ts';

// What POST /api/runs refuses, and why: stale hashes, manual steps, other origins, other
// media types. Every refusal is checked to start nothing.

const DOC = 'RUN-requests';
const HELLO_SOURCE = `docker run --rm ${BASE_IMAGE} python3 -c "print('hello, original')"`;

const BODY = `## Say hello

${bash('name=hello', HELLO_SOURCE)}
## Restart on the host

${bash('name=remote-restart', 'ssh tools-host "sudo systemctl restart docker"')}
## Deploy with pdm

\`\`\`bash
pdm run deploy
\`\`\`
`;

let world: RunsWorld;
let server: RunningServer;
let api: RunsApi;
let docFile: string;

beforeAll(async () => {
  world = makeWorld({
    systemsYaml: `systems:
  fixture:
    dir: ${JSON.stringify(SYSTEM_DIR)}
runs:
  concurrency: 2
  timeout_seconds: 60
`,
    runbooks: { 'runbook-requests.md': { system: 'fixture', body: BODY } },
  });
  docFile = `${world.docs.dir}/runbooks/runbook-requests.md`;
  server = await startServer(world.env);
  api = new RunsApi(server);
});

afterEach(async ({ task }) => {
  await api.expectNoLeftovers(task);
});

afterAll(async () => {
  try {
    // Once more for every run of the file: nothing may turn up after its test's own check.
    await api?.expectNoLeftovers();
  } finally {
    await server?.stop();
    world?.cleanup();
  }
});

/** Every run the server has recorded for a block. */
async function runsOf(blockId: string): Promise<unknown[]> {
  const response = await fetch(`${server.url}/api/runs?block=${encodeURIComponent(blockId)}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { runs: unknown[] }).runs;
}

describe('POST /api/runs refusals', () => {
  it('refuses a tampered hash, and the hash read before the doc was edited on disk', async () => {
    const before = await api.block(`${DOC}/hello`);
    expect(before.hash).toMatch(/^[0-9a-f]{16}$/);
    const tampered = before.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const refused = await api.post({ block: before.id, hash: tampered });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('BlockChanged');
    expect(refused.body.message).toContain(before.hash);

    // Someone edits the block after the page was loaded: the old hash no longer runs.
    writeFileSync(docFile, readFileSync(docFile, 'utf8').replace("hello, original", 'hello, edited'));
    const after = await api.block(before.id);
    expect(after.hash).not.toBe(before.hash);
    expect(after.source).toContain('hello, edited');
    const stale = await api.post({ block: before.id, hash: before.hash });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'BlockChanged' });
    expect(stale.body.message).toContain(after.hash);
    expect(await runsOf(before.id)).toEqual([]);

    // The new hash runs the edited text.
    const started = await api.start(before.id);
    const run = await api.waitFinished(started.id);
    expect(run.status).toBe('passed');
    expect(run.logs.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['hello, edited']);
    expect(await runsOf(before.id)).toHaveLength(1);
  });

  it('shows unsupported commands as manual steps and refuses to run them', async () => {
    const blocks = await api.blocks(DOC);
    const ssh = blocks.find((b) => b.id === `${DOC}/remote-restart`)!;
    const pdm = blocks.find((b) => b.source === 'pdm run deploy')!;
    expect(pdm.id).toBe(`${DOC}/deploy-with-pdm-1`);
    for (const [block, command] of [[ssh, 'ssh'], [pdm, 'pdm']] as const) {
      expect(block.runnable).toBe(false);
      expect(block.steps).toEqual([]);
      expect(block.reason).toContain(`${command} is not supported`);
      const refused = await api.post({ block: block.id, hash: block.hash });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('BlockNotRunnable');
      expect(refused.body.message).toContain(`${command} is not supported`);
      expect(await runsOf(block.id)).toEqual([]);
    }
    expect(ssh.reason).toContain('runs commands on another host');

    const page = await fetch(`${server.url}/docs/${DOC}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const block of [ssh, pdm]) {
      const markup = blockMarkup(html, block.id);
      expect(openingTagClasses(markup)).toEqual(expect.arrayContaining(['code-block', 'procedure', 'manual']));
      expect(openingTagClasses(markup)).not.toContain('runnable');
      expect(markup).toContain('class="manual-badge"');
      expect(markup).toMatch(/class="manual-reason">[^<]*is not supported/);
      expect(markup).toMatch(/<button[^>]*class="copy-button"/);
      expect(markup).not.toContain('run-button');
    }
    // The runnable block, by contrast, gets a Run button.
    const hello = blockMarkup(html, `${DOC}/hello`);
    expect(openingTagClasses(hello)).toEqual(expect.arrayContaining(['procedure', 'runnable']));
    expect(hello).toContain('class="run-button"');
  });

  it('refuses a cross-origin POST with 403 and a non-JSON POST with 415, starting nothing', async () => {
    const block = await api.block(`${DOC}/hello`);
    const body = { block: block.id, hash: block.hash };
    const runsBefore = (await runsOf(block.id)).length;
    const startedBefore = api.runIds.size;

    const evil = await api.post(body, { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.body.code).toBe('CrossOriginRefused');
    expect(evil.body.message).toContain('http://evil.example');

    const sneaky = await api.post(body, { 'sec-fetch-site': 'cross-site' });
    expect(sneaky.status).toBe(403);
    expect(sneaky.body.code).toBe('CrossOriginRefused');

    // No Origin at all, as curl sends: still judged by our own rules, with a JSON answer.
    const text = await api.post(JSON.stringify(body), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('UnsupportedMediaType');
    const xml = await api.post('<run/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body.code).toBe('UnsupportedMediaType');

    const broken = await api.post('{"block":', {});
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('InvalidJson');
    const missingHash = await api.post({ block: block.id });
    expect(missingHash.status).toBe(400);
    expect(missingHash.body.code).toBe('InvalidRunRequest');
    const unknown = await api.post({ block: `${DOC}/no-such-block`, hash: block.hash });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('BlockNotFound');
    const undeclared = await api.post({ ...body, vars: { NOT_DECLARED: 'x' } });
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.code).toBe('InvalidVariable');

    expect(api.runIds.size).toBe(startedBefore);
    expect(await runsOf(block.id)).toHaveLength(runsBefore);
  });
});

/** The HTML of the `div.code-block` wrapping a block, up to the next block's wrapper. */
function blockMarkup(html: string, blockId: string): string {
  const marker = `data-block-id="${blockId}"`;
  const at = html.indexOf(marker);
  expect(at, `no element with ${marker} on the page`).toBeGreaterThan(-1);
  const start = html.lastIndexOf('<div', at);
  const next = html.indexOf('data-block-id="', at + marker.length);
  return html.slice(start, next < 0 ? undefined : html.lastIndexOf('<div', next));
}

function openingTagClasses(markup: string): string[] {
  const tag = markup.slice(0, markup.indexOf('>') + 1);
  return (/class="([^"]*)"/.exec(tag)?.[1] ?? '').split(/\s+/);
}
