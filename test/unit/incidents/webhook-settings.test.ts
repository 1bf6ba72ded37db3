import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveWebhookSettings } from '../../../src/lib/incidents/index.ts';
import { webhookConfigSchema } from '../../../src/lib/systems/index.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const SECRET = 'a-long-enough-secret-0123456789';
const config = (extra: Record<string, unknown>) => webhookConfigSchema.parse({ url: 'https://hooks.example/in', ...extra });

describe('resolveWebhookSettings', () => {
  it('no webhook: nothing to deliver, nothing held', () => {
    expect(resolveWebhookSettings(undefined, '/etc/runbook-live.yaml', {})).toEqual({ settings: null, held: null });
  });

  it('without a secret: unsigned deliveries with the default retries', () => {
    expect(resolveWebhookSettings(config({}), '/etc/runbook-live.yaml', {})).toEqual({
      settings: { url: 'https://hooks.example/in', format: 'json', secret: null, maxAttempts: 8, backoffSeconds: 30, maxBackoffSeconds: 3600, timeoutSeconds: 10 },
      held: null,
    });
  });

  it('reads the secret from the named environment variable', () => {
    const { settings, held } = resolveWebhookSettings(config({ secret_env: 'HOOK_SECRET', format: 'slack' }), '/etc/runbook-live.yaml', { HOOK_SECRET: SECRET });
    expect(held).toBeNull();
    expect(settings).toMatchObject({ secret: SECRET, format: 'slack' });
  });

  it('holds deliveries (never unsigned) when the variable is unset or the secret too short, naming the file, the field and the variable', () => {
    const unset = resolveWebhookSettings(config({ secret_env: 'HOOK_SECRET' }), '/etc/runbook-live.yaml', {});
    expect(unset.held).toBe(
      '/etc/runbook-live.yaml: notifications.webhook.secret_env: the environment variable HOOK_SECRET is not set; webhook deliveries are held (recorded, not sent) until it is fixed and the server restarts',
    );
    expect(unset.settings).toMatchObject({ secret: null });
    expect(resolveWebhookSettings(config({ secret_env: 'HOOK_SECRET' }), '/etc/runbook-live.yaml', { HOOK_SECRET: '' }).held).toMatch(/HOOK_SECRET is not set/);
    expect(resolveWebhookSettings(config({ secret_env: 'HOOK_SECRET' }), '/etc/runbook-live.yaml', { HOOK_SECRET: 'short' }).held).toMatch(
      /notifications\.webhook\.secret_env: the secret is 5 characters; use at least 16 \(e\.g\. openssl rand -hex 32\)/,
    );
  });

  it('reads secret_file relative to the configuration file, without its trailing newline; an unreadable one holds deliveries', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'runbook-live-hook-'));
    writeFileSync(path.join(dir, 'hook.secret'), `${SECRET}\n`);
    const configFile = path.join(dir, 'runbook-live.yaml');
    expect(resolveWebhookSettings(config({ secret_file: 'hook.secret' }), configFile, {})).toMatchObject({ settings: { secret: SECRET }, held: null });
    const missing = resolveWebhookSettings(config({ secret_file: 'nope.secret' }), configFile, {});
    expect(missing.held).toBe(`${configFile}: notifications.webhook.secret_file: ${path.join(dir, 'nope.secret')} cannot be read (ENOENT); webhook deliveries are held (recorded, not sent) until it is fixed and the server restarts`);
  });
});
