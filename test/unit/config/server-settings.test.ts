import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readEdgeSettings } from '../../../src/lib/config/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-edge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

describe('readEdgeSettings', () => {
  it('reads only the server section of the systems configuration', () => {
    const config = file('a.yaml', 'server:\n  allowed_hosts: [runbooks.example.com, "*.team.example"]\n  body_limit_bytes: 2048\nsystems: { broken: 1 }\n');
    expect(readEdgeSettings({ SYSTEMS_CONFIG: config, HOST: '10.0.0.5' })).toEqual({ allowedHosts: ['runbooks.example.com', '*.team.example'], bodyLimitBytes: 2048, listenHost: '10.0.0.5', problems: [] });
  });

  it('falls back to the defaults for a missing, unparsable or invalid file, leaving the report to the core', () => {
    const defaults = { allowedHosts: [], bodyLimitBytes: 65_536, listenHost: null, problems: [] };
    expect(readEdgeSettings({ SYSTEMS_CONFIG: path.join(dir, 'missing.yaml') })).toEqual(defaults);
    expect(readEdgeSettings({ SYSTEMS_CONFIG: file('b.yaml', 'server: [\n') })).toEqual(defaults);
    expect(readEdgeSettings({ SYSTEMS_CONFIG: file('c.yaml', 'server:\n  body_limit_bytes: -1\n') })).toEqual(defaults);
  });

  it('takes RUNBOOK_LIVE_ALLOWED_HOSTS over the file, naming entries that are not host names', () => {
    const config = file('d.yaml', 'server:\n  allowed_hosts: [from-file.example]\n');
    const settings = readEdgeSettings({ SYSTEMS_CONFIG: config, RUNBOOK_LIVE_ALLOWED_HOSTS: ' runbooks.example.com, http://bad/ ,10.0.0.5:4321' });
    expect(settings.allowedHosts).toEqual(['runbooks.example.com', '10.0.0.5:4321']);
    expect(settings.problems).toEqual(["RUNBOOK_LIVE_ALLOWED_HOSTS: 'http://bad/' is not a host name; write names like runbooks.example.com, *.example.com or 10.0.0.5:4321, separated by commas. It is ignored."]);
  });
});
