import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

// The promises the README's "Deploying with Docker" makes about the shipped Dockerfile and
// compose.yaml. The engine test (test/engine/image) proves the image works; this pins what a
// reader copies: the public base by default, and a compose file that stays on loopback.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface ComposeService {
  build: { context: string; args: Record<string, string> };
  init: boolean;
  ports: string[];
  environment: Record<string, string>;
  group_add: string[];
  volumes: string[];
}

const compose = parseYaml(read('compose.yaml')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const service = compose.services['runbook-live']!;

describe('the Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds FROM the public node:24-slim unless BASE_IMAGE says otherwise', () => {
    const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+ /.test(line));
    expect(instructions.slice(0, 2)).toEqual(['ARG BASE_IMAGE=node:24-slim', 'FROM ${BASE_IMAGE}']);
  });

  it('copies only what .dockerignore lets into the context', () => {
    const allowed = read('.dockerignore').split('\n').filter((line) => line.startsWith('!')).map((line) => line.slice(1));
    const sources = [...dockerfile.matchAll(/^COPY (\S+) /gm)].map((match) => match[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(allowed, `COPY ${source}`).toContain(source);
  });
});

describe('compose.yaml', () => {
  it('publishes on loopback only', () => {
    expect(service.ports.length).toBeGreaterThan(0);
    for (const port of service.ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('refuses to start without an admin token and the socket group', () => {
    expect(service.environment.RUNBOOK_LIVE_TOKEN).toMatch(/^\$\{RUNBOOK_LIVE_TOKEN:\?/);
    expect(service.group_add).toEqual([expect.stringMatching(/^\$\{DOCKER_GID:\?/)]);
  });

  it('mounts the Docker socket and a named data volume, and runs under an init', () => {
    expect(service.volumes).toEqual(expect.arrayContaining(['/var/run/docker.sock:/var/run/docker.sock', 'runbook-live-data:/data']));
    expect(Object.keys(compose.volumes)).toEqual(['runbook-live-data']);
    expect(service.init).toBe(true);
    expect(service.build).toEqual({ context: '.', args: { BASE_IMAGE: '${BASE_IMAGE:-node:24-slim}' } });
  });
});
