import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../support/server.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

// The built server's core is made on the first request. When that fails, every request is
// told why, and the next request tries again: fixing the cause needs no restart.
let docs: TempDocs;
let work: string;
let dataDir: string;
let server: RunningServer;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'runbook-live-startup-'));
  dataDir = path.join(work, 'data');
  // A file where the data folder should be: the database cannot be opened under it.
  writeFileSync(dataDir, 'not a folder');
  docs = makeTempDocs();
  docs.write('reference/ref-one.md', doc({ type: 'reference', id: 'REF-one', title: 'One', status: 'active', owners: 'qa', created: '2026-11-26' }));
  server = await startServer(
    { DOCS_DIR: docs.dir, DATA_DIR: dataDir, SYSTEMS_CONFIG: path.join(work, 'none.yaml') },
    undefined,
    { ready: (status) => status === 503 },
  );
});

afterAll(async () => {
  await server?.stop();
  docs?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('a server whose start-up fails', () => {
  it('answers every request 503 with the reason, as JSON for the API and as a page for browsers', async () => {
    const api = await fetch(`${server.url}/api/docs`);
    expect(api.status).toBe(503);
    const body = (await api.json()) as { code: string; message: string };
    expect(body.code).toBe('StartupFailed');
    expect(body.message).toMatch(/^runbook-live could not start: .+\. Fix the cause; the next request tries again\.$/);
    expect(body.message).toContain(dataDir);

    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<h1>runbook-live could not start</h1>');
    expect(html).toContain(dataDir);
  });

  it('starts on the next request once the cause is fixed, in the same process', async () => {
    const pid = server.process.pid;
    rmSync(dataDir);
    const api = await fetch(`${server.url}/api/docs`);
    expect(api.status).toBe(200);
    expect(((await api.json()) as { docs: Array<{ id: string }> }).docs.map((d) => d.id)).toEqual(['REF-one']);
    expect((await fetch(`${server.url}/docs/REF-one`)).status).toBe(200);
    expect(server.process.pid).toBe(pid);
    expect(server.process.exitCode).toBeNull();
  });
});
