import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** The request body cap when `server.body_limit_bytes` is not set: 64 KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 65_536;

/** `runbooks.example.com`, `runbooks.example.com:8443`, `*.example.com`, `[::1]`: a host name a browser may use, with an optional port. */
const HOST_ENTRY = /^(\*\.)?([a-z0-9-]+(\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/** The `server:` section of `runbook-live.yaml`: how the HTTP edge guards itself. */
export const serverSettingsSchema = z.strictObject({
  /** Host names (`Host` header) the server answers to, besides loopback and the listen address; `*.example.com` allows subdomains. */
  allowed_hosts: z.array(z.string().regex(HOST_ENTRY, 'must be a host name, optionally with :port or a leading *. (runbooks.example.com, *.example.com, 10.0.0.5:4321)')).default([]),
  /** Largest request body accepted, in bytes; larger ones get 413. */
  body_limit_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(DEFAULT_BODY_LIMIT_BYTES),
});
export type ServerSettings = z.infer<typeof serverSettingsSchema>;

/** What the edge needs before anything else is built, and where it came from. */
export interface EdgeSettings {
  /** Configured host entries (the env variable wins over the file); loopback and the listen address are added by the matcher. */
  allowedHosts: string[];
  bodyLimitBytes: number;
  /** The address the server listens on (`HOST`), allowed as a host name unless it is a wildcard. */
  listenHost: string | null;
  /** Entries of `RUNBOOK_LIVE_ALLOWED_HOSTS` that are not host names, each named with what was expected; they are ignored. */
  problems: string[];
}

/**
 * Reads only the `server:` section of the systems configuration, and `RUNBOOK_LIVE_ALLOWED_HOSTS`
 * (comma-separated), without building anything else. It never throws: a file that cannot be read
 * or a section that does not validate gives the defaults here, and the core reports the problem
 * when it loads the whole file, as it does for every other section.
 */
export function readEdgeSettings(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): EdgeSettings {
  const file = path.resolve(cwd, env.SYSTEMS_CONFIG || './runbook-live.yaml');
  let settings: ServerSettings = serverSettingsSchema.parse({});
  try {
    const raw = parseYaml(readFileSync(file, 'utf8')) as { server?: unknown } | null;
    const parsed = serverSettingsSchema.safeParse(raw?.server ?? {});
    if (parsed.success) settings = parsed.data;
  } catch {
    // Missing or unreadable: the defaults stand; the core says what is wrong with the file.
  }
  const entries = (env.RUNBOOK_LIVE_ALLOWED_HOSTS ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const fromEnv = entries.filter((entry) => HOST_ENTRY.test(entry));
  const problems = entries
    .filter((entry) => !HOST_ENTRY.test(entry))
    .map((entry) => `RUNBOOK_LIVE_ALLOWED_HOSTS: '${entry}' is not a host name; write names like runbooks.example.com, *.example.com or 10.0.0.5:4321, separated by commas. It is ignored.`);
  return {
    problems,
    allowedHosts: fromEnv.length > 0 ? fromEnv : settings.allowed_hosts,
    bodyLimitBytes: settings.body_limit_bytes,
    listenHost: env.HOST || null,
  };
}
