import path from 'node:path';
import { z } from 'zod';
import { formatZodIssues } from '../shared/index.ts';

/** Settings read from the environment when the server starts. */
export const appConfigSchema = z.object({
  /** Folder of markdown docs to serve. */
  DOCS_DIR: z.string().min(1).default('./content'),
  /** Folder for the SQLite database and other state. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** The systems configuration file: folders, variables and Docker targets per system. */
  SYSTEMS_CONFIG: z.string().min(1).default('./runbook-live.yaml'),
  /** The repository the docs folder is in, when it is not the nearest folder above it holding `.git`. */
  REPO_DIR: z.string().min(1).optional(),
  /** The admin's sign-in token; without it the server makes one and prints the sign-in URL. */
  RUNBOOK_LIVE_TOKEN: z.string().min(16, 'must be at least 16 characters; `openssl rand -hex 32` makes a good one').optional(),
  /** `off` runs nothing on a schedule: a second server on the same docs, a staging copy, a test that is not about schedules. */
  RUNBOOK_LIVE_SCHEDULES: z.enum(['on', 'off'], { error: "must be 'on' or 'off' ('off' runs no scheduled checks or runbooks)" }).default('on'),
});

/** Resolved configuration: absolute paths. */
export type AppConfig = {
  docsDir: string;
  dataDir: string;
  systemsConfig: string;
  repoDir?: string | null;
  adminToken?: string | null;
  /** False when `RUNBOOK_LIVE_SCHEDULES=off`: a server then starts no scheduled runs. Absent means on. */
  runSchedules?: boolean;
};

/** The environment is invalid; the message names each variable and what it must be. */
export class InvalidConfigError extends Error {
  readonly code = 'InvalidConfig';
}

/** Reads configuration from environment variables, resolving paths against the working directory. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): AppConfig {
  // An empty variable means "unset", as shells and CI systems often export them.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = appConfigSchema.safeParse(present);
  if (!parsed.success) {
    throw new InvalidConfigError(`Invalid configuration:\n${formatZodIssues(parsed.error).join('\n')}`);
  }
  return {
    docsDir: path.resolve(cwd, parsed.data.DOCS_DIR),
    dataDir: path.resolve(cwd, parsed.data.DATA_DIR),
    systemsConfig: path.resolve(cwd, parsed.data.SYSTEMS_CONFIG),
    repoDir: parsed.data.REPO_DIR ? path.resolve(cwd, parsed.data.REPO_DIR) : null,
    adminToken: parsed.data.RUNBOOK_LIVE_TOKEN ?? null,
    runSchedules: parsed.data.RUNBOOK_LIVE_SCHEDULES === 'on',
  };
}
