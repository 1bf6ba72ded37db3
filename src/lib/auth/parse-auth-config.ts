import { authConfigSchema, failClosedAuthConfig, type AuthConfig } from './auth-config-schema.ts';

/** The auth settings to use, and why the written ones could not be used (null when they could). */
export interface AuthSettings {
  config: AuthConfig;
  problem: string | null;
}

/**
 * Reads the `auth` section of a configuration file. An invalid section fails closed
 * (anonymous visitors get nothing, only the admin token works) and says why.
 */
export function parseAuthConfig(raw: unknown, file: string): AuthSettings {
  const parsed = authConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { config: parsed.data, problem: null };
  const lines = parsed.error.issues.map((issue) => `  - ${['auth', ...issue.path.map(String)].join('.')}: ${issue.message}`);
  return {
    config: failClosedAuthConfig(),
    problem: `${file}: the auth section is invalid, so only the admin token (RUNBOOK_LIVE_TOKEN or the printed sign-in URL) can sign in until it is fixed:\n${lines.join('\n')}\nSee "Security model" in the README.`,
  };
}
