import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSystemsConfig } from '../../../src/lib/systems/load-systems-config.ts';

let dir = "";
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = ""; });
function write(yaml: string): string {
  dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-systems-'));
  mkdirSync(path.join(dir, 'runner'));
  writeFileSync(path.join(dir, 'systems.yaml'), yaml);
  return path.join(dir, 'systems.yaml');
}

describe('loadSystemsConfig', () => {
  it('reads the shipped configuration', () => {
    const config = loadSystemsConfig(path.resolve(import.meta.dirname, '../../../runbook-live.yaml'));
    const system = config.systems.get('skriptoteket-runner')!;
    expect(system.dir).toBe(path.resolve(import.meta.dirname, '../../../examples/runner'));
    expect(system.variables).toEqual([{ name: 'RUNNER_IMAGE', default: 'skriptoteket-runner:latest', kind: 'image', description: 'the runner image tag the app starts' }]);
    expect(config.runs.concurrency).toBe(2);
  });

  it('resolves folders against the file and fills defaults', () => {
    const config = loadSystemsConfig(write('systems:\n  demo:\n    dir: runner\n    variables:\n      IMAGE: demo:1\n'));
    expect(config.systems.get('demo')).toMatchObject({ dir: path.join(dir, 'runner'), targets: ['local'], variables: [{ name: 'IMAGE', default: 'demo:1', kind: 'text' }] });
    expect(config.targets).toEqual({ local: { url: 'unix:///var/run/docker.sock' } });
  });

  it('names the field and what is expected when the file is wrong', () => {
    expect(() => loadSystemsConfig(write('targets:\n  far:\n    url: http//nope\nsystems: {}\n'))).toThrow(
      'targets.far.url: must be a DOCKER_HOST-style URL: unix:///path, tcp://host:port or ssh://user@host',
    );
    expect(() => loadSystemsConfig(write('systems:\n  demo:\n    dir: runner\n    targets: [elsewhere]\n'))).toThrow(
      "systems.demo.targets: unknown target 'elsewhere'; declared targets: local",
    );
    expect(() => loadSystemsConfig(write('systems:\n  demo:\n    dir: missing\n'))).toThrow(/systems.demo.dir: folder .*missing does not exist/);
    expect(() => loadSystemsConfig(write('runs:\n  concurrency: 0\n'))).toThrow(/runs.concurrency: Too small/);
  });

  it('reads schedules.startup_window_seconds, 30 s unless set, and names the field of a value it cannot use', () => {
    expect(loadSystemsConfig(write('systems: {}\n')).schedules).toEqual({ startup_window_seconds: 30 });
    expect(loadSystemsConfig(write('schedules:\n  startup_window_seconds: 0\n')).schedules).toEqual({ startup_window_seconds: 0 });
    for (const bad of ['-1', '2.5', '3601', 'soon']) {
      expect(() => loadSystemsConfig(write(`schedules:\n  startup_window_seconds: ${bad}\n`)), bad).toThrow(
        /systems\.yaml is not a valid systems configuration:\n {2}- schedules\.startup_window_seconds: must be a whole number of seconds from 0 to 3600\n/,
      );
    }
    expect(() => loadSystemsConfig(write('schedules:\n  startup_window: 5\n'))).toThrow(/schedules: Unrecognized key: "startup_window"/);
  });

  it('means no systems when the file does not exist', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-systems-'));
    const config = loadSystemsConfig(path.join(dir, 'absent.yaml'));
    expect(config.source).toBeNull();
    expect(config.systems.size).toBe(0);
  });
  it('reads notifications.webhook as a URL or as an object with its secret, format and retries', () => {
    expect(loadSystemsConfig(write('notifications:\n  webhook: https://hooks.example/in\n')).notifications.webhook).toEqual({
      url: 'https://hooks.example/in', format: 'json', max_attempts: 8, backoff_seconds: 30, max_backoff_seconds: 3600, timeout_seconds: 10,
    });
    const yaml = 'notifications:\n  webhook:\n    url: https://hooks.example/in\n    secret_env: HOOK_SECRET\n    format: slack\n    max_attempts: 3\n    backoff_seconds: 0.5\n';
    expect(loadSystemsConfig(write(yaml)).notifications.webhook).toMatchObject({ url: 'https://hooks.example/in', secret_env: 'HOOK_SECRET', format: 'slack', max_attempts: 3, backoff_seconds: 0.5 });
  });

  it('names the webhook field and what is expected when it is wrong; a secret written in the file is refused', () => {
    const problem = (webhook: string) => () => loadSystemsConfig(write(`notifications:\n  webhook: ${webhook}\n`));
    expect(problem('ftp://hooks.example')).toThrow('notifications.webhook.url: must be an http:// or https:// URL');
    expect(problem('{ url: "https://h.example", secret: hunter2hunter2hunter2 }')).toThrow(
      'notifications.webhook.secret: a secret does not belong in a committed file: put it in an environment variable and name it with secret_env, or in a file named by secret_file',
    );
    expect(problem('{ url: "https://h.example", secret_env: A, secret_file: b }')).toThrow('notifications.webhook.secret_file: give secret_env or secret_file, not both');
    expect(problem('{ url: "https://h.example", secret_env: "my secret" }')).toThrow('notifications.webhook.secret_env: must be the name of an environment variable: letters, digits and _');
    expect(problem('{ url: "https://h.example", format: xml }')).toThrow('notifications.webhook.format: must be json or slack');
    expect(problem('{ url: "https://h.example", max_attempts: 0 }')).toThrow(/notifications\.webhook\.max_attempts: Too small/);
    expect(problem('[a, b]')).toThrow('notifications.webhook: must be a URL, or an object with url');
  });
});
