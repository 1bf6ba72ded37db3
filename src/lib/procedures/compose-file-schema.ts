import { z } from 'zod';

// The part of a compose file (compose-spec) that `docker compose build` reads. Service keys
// that do not change what is built (ports, environment, volumes, …) are let through and
// ignored; build keys this implementation cannot honour are refused by name before the schema
// runs, with a reason, so a build is never quietly different from compose's.

/** Top-level keys compose knows. Those other than `name` and `services` do not affect builds. */
export const COMPOSE_TOP_LEVEL_KEYS: readonly string[] = ['version', 'name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'];

/** Top-level keys that would change the project, and why they are refused. */
export const REFUSED_TOP_LEVEL_KEYS: Record<string, string> = {
  include: 'include pulls in further compose files and their folders; list the files with -f instead',
};

/** The `build` keys that are honoured: the classic builder's /build parameters. */
export const SUPPORTED_BUILD_KEYS: readonly string[] = ['context', 'dockerfile', 'args', 'target', 'tags', 'labels', 'no_cache', 'pull'];

/** Build keys compose has and runbook-live refuses, each with the reason the author sees. */
export const REFUSED_BUILD_KEYS: Record<string, string> = {
  ssh: 'SSH agent forwarding needs an agent on the client; runbook-live has none',
  secrets: 'build secrets are read from files or the environment of the client; runbook-live has neither',
  additional_contexts: 'named build contexts need BuildKit; the Engine API builder takes one context',
  dockerfile_inline: 'an inline Dockerfile needs BuildKit; put it in a file and name it with dockerfile',
  platforms: 'multi-platform builds need BuildKit; set the service\'s platform to build for one',
  cache_from: 'cache imports need BuildKit or a registry; the build uses the engine\'s local cache',
  cache_to: 'cache exports need BuildKit',
  network: 'the network of RUN steps is left to the engine',
  extra_hosts: 'extra /etc/hosts entries for RUN steps are not supported',
  shm_size: 'the size of /dev/shm for RUN steps is not supported',
  ulimits: 'ulimits for RUN steps are not supported',
  isolation: 'isolation is a Windows engine option',
  privileged: 'privileged builds need BuildKit entitlements',
  entitlements: 'build entitlements need BuildKit',
  provenance: 'attestations need BuildKit',
  sbom: 'attestations need BuildKit',
};

/** Service keys that would change which build runs, and why they are refused. */
export const REFUSED_SERVICE_KEYS: Record<string, string> = {
  extends: 'extends copies a service from another file or service; write the build section out in this service',
};

// Compose accepts numbers and booleans where it means strings (args: { N: 1 }).
const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** `KEY: value` (null: no value), or a list of `KEY=value` / `KEY`. */
const keyValues = z.union([z.record(z.string(), scalar.nullable()), z.array(z.string())]);

/** `build:` as a context path, or the long form. */
export const composeBuildSchema = z.union([
  z.string(),
  z.strictObject({
    /** Folder sent to the engine, relative to the project directory. */
    context: z.string().optional(),
    /** Relative to the context. */
    dockerfile: z.string().optional(),
    args: keyValues.optional(),
    target: z.string().optional(),
    /** Further tags besides the image name. */
    tags: z.array(z.string()).optional(),
    labels: keyValues.optional(),
    no_cache: z.boolean().optional(),
    pull: z.boolean().optional(),
  }),
]);
export type ComposeBuildSection = z.infer<typeof composeBuildSchema>;

/** `depends_on:` as a list of names, or a map of name → condition. */
const dependsOnSchema = z.union([
  z.array(z.string()),
  z.record(z.string(), z.looseObject({ required: z.boolean().optional() }).nullable()),
]);

/** One service, with the keys a build reads; the rest pass unread. */
export const composeServiceSchema = z.looseObject({
  build: composeBuildSchema.optional(),
  image: z.string().optional(),
  depends_on: dependsOnSchema.optional(),
  profiles: z.array(z.string()).optional(),
  /** Compose builds for the service's platform when it has one. */
  platform: z.string().optional(),
});
export type ComposeServiceSection = z.infer<typeof composeServiceSchema>;

/** One compose file, as far as a build reads it. */
export const composeFileSchema = z.looseObject({
  name: z.string().optional(),
  services: z.record(z.string().regex(/^[a-zA-Z0-9._-]+$/, 'service names are letters, digits, ".", "_" and "-"'), composeServiceSchema.nullable()).optional(),
});
export type ComposeFileSection = z.infer<typeof composeFileSchema>;
