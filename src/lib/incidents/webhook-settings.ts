import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { WebhookConfig } from '../systems/index.ts';
import type { RetryPolicy } from './webhook-delivery.ts';
import type { WebhookFormat } from './webhook-payload.ts';

/** A secret shorter than this is refused: it could be guessed from one signed request. */
export const MIN_SECRET_LENGTH = 16;

/** The webhook, ready to deliver to. */
export interface WebhookSettings extends RetryPolicy {
  url: string;
  format: WebhookFormat;
  /** Null when no secret is configured: deliveries then go unsigned. */
  secret: string | null;
}

/**
 * The webhook with its secret read (`secret_file` relative to the configuration file), and why deliveries must be held, if they must: a secret
 * that is configured but cannot be read. Held deliveries are recorded but not sent, and go
 * out once the secret is there and the server restarts: sending them unsigned would teach
 * receivers to accept unsigned requests, and dropping them would lose the notification.
 */
export function resolveWebhookSettings(
  config: WebhookConfig | undefined,
  configFile: string,
  env: Record<string, string | undefined> = process.env,
): { settings: WebhookSettings | null; held: string | null } {
  if (!config) return { settings: null, held: null };
  const { secret, problem } = readSecret(config, { env, configFile });
  return {
    settings: {
      url: config.url,
      format: config.format,
      secret,
      maxAttempts: config.max_attempts,
      backoffSeconds: config.backoff_seconds,
      maxBackoffSeconds: config.max_backoff_seconds,
      timeoutSeconds: config.timeout_seconds,
    },
    held: problem ? `${configFile}: notifications.webhook.${problem}; webhook deliveries are held (recorded, not sent) until it is fixed and the server restarts` : null,
  };
}

function readSecret(config: WebhookConfig, source: { env: Record<string, string | undefined>; configFile: string }): { secret: string | null; problem: string | null } {
  let secret: string;
  if (config.secret_env) {
    const value = source.env[config.secret_env];
    if (value === undefined || value === '') return { secret: null, problem: `secret_env: the environment variable ${config.secret_env} is not set` };
    secret = value;
  } else if (config.secret_file) {
    const file = path.resolve(path.dirname(path.resolve(source.configFile)), config.secret_file);
    try {
      // A trailing newline is how editors and `echo` end the file, never part of the secret.
      secret = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      return { secret: null, problem: `secret_file: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
    }
  } else {
    return { secret: null, problem: null };
  }
  if (secret.length < MIN_SECRET_LENGTH) return { secret: null, problem: `${config.secret_env ? 'secret_env' : 'secret_file'}: the secret is ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} (e.g. openssl rand -hex 32)` };
  return { secret, problem: null };
}
