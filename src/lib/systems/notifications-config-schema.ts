import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/**
 * Where incident notifications are POSTed, how they are signed, and how failed deliveries are
 * retried. `webhook: <URL>` is the short form: unsigned JSON with the default retries.
 */
export const webhookConfigSchema = z.strictObject(
  {
    /** The receiver's address. */
    url: httpUrl,
    /** The environment variable holding the signing secret (HMAC-SHA256 over timestamp and body). */
    secret_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable: letters, digits and _').optional(),
    /** A file holding the signing secret (for mounted secrets), relative to this configuration file. */
    secret_file: z.string().min(1).optional(),
    /** Refused with a reason: a secret written here would be committed with the file. */
    secret: z.never({ error: 'a secret does not belong in a committed file: put it in an environment variable and name it with secret_env, or in a file named by secret_file' }).optional(),
    /** `json` (the incident as JSON) or `slack` (a Slack-compatible `{ text, blocks }` message). */
    format: z.enum(['json', 'slack'], { error: 'must be json or slack' }).default('json'),
    /** Attempts before a delivery is given up as failed. */
    max_attempts: z.number().int().min(1).max(100).default(8),
    /** The wait before the second attempt; each later wait doubles, up to `max_backoff_seconds`. */
    backoff_seconds: z.number().min(0.01).max(86_400).default(30),
    /** The longest wait between two attempts. */
    max_backoff_seconds: z.number().min(0.01).max(7 * 86_400).default(3_600),
    /** How long one attempt may take before it counts as failed. */
    timeout_seconds: z.number().min(0.1).max(300).default(10),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be a URL, or an object with url (and optionally secret_env or secret_file, format, max_attempts, backoff_seconds, max_backoff_seconds, timeout_seconds)' : undefined) },
).refine((webhook) => !(webhook.secret_env && webhook.secret_file), { path: ['secret_file'], message: 'give secret_env or secret_file, not both' });
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

/** Where incident notifications go. */
export const notificationsConfigSchema = z.strictObject({
  /** Receives a notification when an incident opens and when it resolves: a URL, or `{ url, secret_env, … }`. */
  webhook: z.preprocess((value) => (typeof value === 'string' ? { url: value } : value), webhookConfigSchema).optional(),
  /** This site's address as people reach it, for links in notifications. */
  site_url: z.url().optional(),
});
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
