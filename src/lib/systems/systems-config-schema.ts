import { z } from 'zod';
import { DEFAULT_BODY_LIMIT_BYTES, serverSettingsSchema } from '../config/index.ts';
import { docsSettingsSchema, repoSettingsSchema } from '../docs/index.ts';
import { notificationsConfigSchema } from './notifications-config-schema.ts';
import { maintenanceEntrySchema, maintenanceWindowSchema } from './maintenance-schema.ts';
import { VARIABLE_NAME } from './variable-name.ts';

/** A Docker host, written the way DOCKER_HOST is: unix://, tcp:// or ssh://. */
export const targetConfigSchema = z.strictObject({
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`. */
  url: z.string().regex(/^(unix|tcp|ssh|https?):\/\/.+/, 'must be a DOCKER_HOST-style URL: unix:///path, tcp://host:port or ssh://user@host'),
  /** Folder with ca.pem, cert.pem and key.pem for a TLS tcp:// engine (like DOCKER_CERT_PATH). */
  tls_cert_path: z.string().min(1).optional(),
  /** Shown on the dashboard next to the target's name. */
  description: z.string().optional(),
  /** Times when every check on this target is in maintenance: runs go on, incidents and notifications do not. */
  maintenance: z.array(maintenanceWindowSchema).optional(),
});
export type TargetConfig = z.infer<typeof targetConfigSchema>;

/** A variable's default value, and what kind of value an override must be. */
export const variableConfigSchema = z.union([
  z.string(),
  z.strictObject({
    default: z.string(),
    /** `image` overrides must be valid image references; `text` anything on one line. */
    kind: z.enum(['text', 'image']).default('text'),
    description: z.string().optional(),
  }),
]);
export type VariableConfig = z.infer<typeof variableConfigSchema>;

/** A system that docs name in their `system:` frontmatter. */
export const systemConfigSchema = z.strictObject({
  /** Folder build context paths resolve against, relative to the configuration file. */
  dir: z.string().min(1),
  /** The only values `$NAME` may take in this system's blocks, with their defaults. */
  variables: z.record(z.string().regex(VARIABLE_NAME, 'variable names are letters, digits and _'), variableConfigSchema).default({}),
  /** Names of the targets (under `targets:`) this system's blocks run on; the first is the default. */
  targets: z.array(z.string().min(1)).min(1).default(['local']),
});
export type SystemConfig = z.infer<typeof systemConfigSchema>;

/** Limits for procedure runs. */
export const runsConfigSchema = z.strictObject({
  /** Runs executing at once; the rest wait in a queue. */
  concurrency: z.number().int().min(1).max(64).default(2),
  /** A run still going after this many seconds is killed. Blocks may lower it with `timeout=`. */
  timeout_seconds: z.number().int().min(1).max(86_400).default(900),
  /** Log bytes kept per run; later output is dropped behind a visible marker. */
  log_limit_bytes: z.number().int().min(1024).default(1_048_576),
  /** Run starts one actor may make in any minute (a run, a runbook run, a Run all); more get 429. */
  start_rate_per_minute: z.number().int().min(1).max(10_000).default(30),
  /** Runs that may wait in the queue; a request that would add one more gets 429. */
  queue_limit: z.number().int().min(1).max(100_000).default(100),
  /**
   * Which runs (and their logs) are kept: a run stays while it is among the newest `keep_last`
   * of its block and target, or younger than `keep_days`. The newest run of each is always kept.
   */
  retention: z
    .strictObject({
      keep_last: z.number().int().min(1).max(1_000_000).default(100),
      keep_days: z.number().int().min(0).max(36_500).default(30),
    })
    .default({ keep_last: 100, keep_days: 30 }),
});

/** A whole runbook run on an interval, kept out of the doc (an alternative to `every:` in its frontmatter). */
export const runbookScheduleSchema = z.strictObject({
  /** `90` (seconds), `90s`, `15m` or `6h`. */
  every: z.string().regex(/^\d+(s|m|h)?$/, 'must be a duration: 90 (seconds), 90s, 15m or 6h'),
});
export type RunbookSchedule = z.infer<typeof runbookScheduleSchema>;

const STARTUP_WINDOW = 'must be a whole number of seconds from 0 to 3600';

/** When scheduled checks and runbooks run first. */
export const schedulesConfigSchema = z.strictObject({
  /**
   * Each schedule runs once within this many seconds of the server starting (or of a doc
   * gaining it), at a random point so a restart does not start them all at once; then on its
   * interval. 0 runs them all at once.
   */
  startup_window_seconds: z.number({ error: STARTUP_WINDOW }).int({ error: STARTUP_WINDOW }).min(0, { error: STARTUP_WINDOW }).max(3600, { error: STARTUP_WINDOW }).default(30),
});
export type SchedulesConfig = z.infer<typeof schedulesConfigSchema>;

/** The systems configuration file (`runbook-live.yaml`); its `auth` section is the auth domain's `authConfigSchema`, read beside it. */
export const systemsConfigSchema = z.strictObject({
  targets: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'target names are lowercase letters, digits, _ and -'), targetConfigSchema)
    .default({ local: { url: 'unix:///var/run/docker.sock' } }),
  systems: z.record(z.string().min(1), systemConfigSchema).default({}),
  runs: runsConfigSchema.default({ concurrency: 2, timeout_seconds: 900, log_limit_bytes: 1_048_576, start_rate_per_minute: 30, queue_limit: 100, retention: { keep_last: 100, keep_days: 30 } }),
  /** The HTTP edge: allowed hosts and the request body cap (read first, on its own, by the middleware). */
  server: serverSettingsSchema.default({ allowed_hosts: [], body_limit_bytes: DEFAULT_BODY_LIMIT_BYTES }),
  notifications: notificationsConfigSchema.default({}),
  /** Maintenance windows for named checks (block or doc ids), on every target or the named ones. */
  maintenance: z.array(maintenanceEntrySchema).default([]),
  /** Runbooks run whole on a schedule, by doc id; this wins over the doc's own `every:`. */
  runbooks: z.record(z.string().min(1), runbookScheduleSchema).default({}),
  /** When schedules run first (`every=` checks and runbooks with an interval). */
  schedules: schedulesConfigSchema.prefault({}),
  /** How docs validation judges this repository (see the docs domain). */
  docs: docsSettingsSchema.prefault({}),
  /** Where the repository's files can be seen on the web. */
  repo: repoSettingsSchema.default({}),
});
export type SystemsConfigFile = z.infer<typeof systemsConfigSchema>;
