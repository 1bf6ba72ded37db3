import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MaintenanceWindows } from './maintenance-windows.ts';
import { systemsConfigSchema, type SystemsConfigFile, type TargetConfig } from './systems-config-schema.ts';
import { formatZodIssues } from '../shared/index.ts';
import { defaultAuthConfig, failClosedAuthConfig, parseAuthConfig, type AuthSettings } from '../auth/index.ts';

/** A declared variable, normalised. */
export interface DeclaredVariable {
  name: string;
  default: string;
  kind: 'text' | 'image';
  description: string | null;
}

/** A system ready to run blocks: absolute folder, variables and target names. */
export interface ResolvedSystem {
  name: string;
  dir: string;
  variables: DeclaredVariable[];
  targets: string[];
}

/** The systems configuration with paths resolved and cross-references checked. */
export interface SystemsConfig {
  /** The file it came from, or null for the built-in default. */
  source: string | null;
  targets: Record<string, TargetConfig>;
  systems: Map<string, ResolvedSystem>;
  runs: SystemsConfigFile['runs'];
  notifications: SystemsConfigFile['notifications'];
  /** Whole-runbook schedules by doc id; absent means none. */
  runbooks?: SystemsConfigFile['runbooks'];
  /** Every maintenance window, per target and per check; absent means none. */
  maintenance?: MaintenanceWindows;
  /** When schedules run first: `startup_window_seconds`. */
  schedules: SystemsConfigFile['schedules'];
  docs: SystemsConfigFile['docs'];
  repo: SystemsConfigFile['repo'];
  /** Sign-in and roles (the `auth` section), and why it could not be used. */
  auth: AuthSettings;
}

/** The configuration file is unusable; the message names each problem. */
export class InvalidSystemsConfigError extends Error {
  readonly code = 'InvalidSystemsConfig';
  /** The auth settings to use meanwhile: the file's own when its `auth` section was readable, else closed. */
  readonly auth: AuthSettings;

  constructor(message: string, auth: AuthSettings = { config: failClosedAuthConfig(), problem: 'the configuration file could not be read, so only the admin token can sign in' }) {
    super(message);
    this.auth = auth;
  }
}

/** The defaults of a system's variables, as the classifier wants them. */
export function variableDefaults(system: ResolvedSystem): Record<string, string> {
  return Object.fromEntries(system.variables.map((v) => [v.name, v.default]));
}

/**
 * The configuration an empty file gives: the schema's defaults (the local engine, no
 * systems). Used while the real file is unusable, so the defaults are written only once.
 */
export function defaultSystemsConfig(source: string | null, auth: AuthSettings = { config: defaultAuthConfig(), problem: null }): SystemsConfig {
  const config = systemsConfigSchema.parse({});
  return { source, targets: config.targets, systems: new Map(), runs: config.runs, notifications: config.notifications, runbooks: config.runbooks, maintenance: MaintenanceWindows.none(), schedules: config.schedules, docs: config.docs, repo: config.repo, auth };
}

/**
 * Reads the systems configuration. A missing file means no systems (blocks still render,
 * but none can run); an invalid one throws, because running procedures against the wrong
 * host or folder is worse than not starting.
 */
export function loadSystemsConfig(file: string): SystemsConfig {
  const exists = existsSync(file);
  let raw: unknown = {};
  if (exists) {
    try {
      raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (error) {
      throw new InvalidSystemsConfigError(`${file}: YAML does not parse: ${(error as Error).message}`);
    }
  }
  // The auth section is its own domain's schema, read on its own so that a mistake in it
  // fails closed without hiding the rest, and a mistake elsewhere keeps its sign-in rules.
  const { auth: rawAuth, rest } = splitAuth(raw);
  const auth = parseAuthConfig(rawAuth, file);
  const parsed = systemsConfigSchema.safeParse(rest);
  if (!parsed.success) {
    throw new InvalidSystemsConfigError(
      `${file} is not a valid systems configuration:\n${formatZodIssues(parsed.error).map((l) => `  - ${l}`).join('\n')}\nSee "Systems configuration" in the README.`,
      auth,
    );
  }
  const config = parsed.data;
  const base = path.dirname(path.resolve(file));
  const problems: string[] = [];
  const systems = new Map<string, ResolvedSystem>();
  for (const [name, system] of Object.entries(config.systems)) {
    for (const target of system.targets) {
      if (!config.targets[target]) problems.push(`systems.${name}.targets: unknown target '${target}'; declared targets: ${Object.keys(config.targets).join(', ')}`);
    }
    const dir = path.resolve(base, system.dir);
    if (!existsSync(dir)) problems.push(`systems.${name}.dir: folder ${dir} does not exist`);
    systems.set(name, {
      name,
      dir,
      targets: system.targets,
      variables: Object.entries(system.variables).map(([variable, value]) =>
        typeof value === 'string'
          ? { name: variable, default: value, kind: 'text', description: null }
          : { name: variable, default: value.default, kind: value.kind, description: value.description ?? null },
      ),
    });
  }
  config.maintenance.forEach((entry, index) => {
    for (const target of entry.targets ?? []) {
      if (!config.targets[target]) problems.push(`maintenance.${index}.targets: unknown target '${target}'; declared targets: ${Object.keys(config.targets).join(', ')}`);
    }
  });
  if (problems.length > 0) {
    throw new InvalidSystemsConfigError(`${file} is not a valid systems configuration:\n${problems.map((l) => `  - ${l}`).join('\n')}`, auth);
  }
  const maintenance = MaintenanceWindows.fromConfig(config.targets, config.maintenance);
  return { source: exists ? file : null, targets: config.targets, systems, runs: config.runs, notifications: config.notifications, runbooks: config.runbooks, maintenance, schedules: config.schedules, docs: config.docs, repo: config.repo, auth };
}

/** The `auth` section, and the rest of the file for the systems schema. */
function splitAuth(raw: unknown): { auth: unknown; rest: unknown } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { auth: undefined, rest: raw };
  const { auth, ...rest } = raw as Record<string, unknown>;
  return { auth, rest };
}
