import { z } from 'zod';
import { validateImageReference } from './image-reference.ts';

// Steps cross a boundary: the classifier produces them from runbook text and the executor
// turns them into Docker Engine API calls. Validating here means the executor can trust
// every field without re-checking it.

const imageReference = z.string().superRefine((ref, ctx) => {
  const problem = validateImageReference(ref);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

const relativePath = z
  .string()
  .min(1)
  .refine((path) => !path.startsWith('/'), { message: 'must be a path relative to the working directory' });

const stringMap = z.record(z.string().min(1), z.string());

/** `docker build` as the Engine API's /build endpoint needs it. Paths are relative to the block's working directory. */
export const buildStepSchema = z.strictObject({
  kind: z.literal('build'),
  /** Dockerfile path as the CLI resolves -f: relative to the working directory, not to the context. */
  dockerfile: relativePath,
  tags: z.array(imageReference),
  buildArgs: stringMap,
  target: z.string().min(1).optional(),
  labels: stringMap,
  noCache: z.boolean(),
  pull: z.boolean(),
  quiet: z.boolean(),
  contextPath: relativePath,
  platform: z.string().min(1).optional(),
});
/** A validated `docker build` step. */
export type BuildStep = z.infer<typeof buildStepSchema>;

/** `docker run` as container create + start + wait in the Engine API. */
export const runStepSchema = z.strictObject({
  kind: z.literal('run'),
  image: imageReference,
  cmd: z.array(z.string()),
  /** --entrypoint as written; the CLI sends it as a one-element Entrypoint array ("" resets it). */
  entrypoint: z.string().optional(),
  env: z.record(z.string().min(1), z.string()),
  user: z.string().min(1).optional(),
  network: z.string().min(1).optional(),
  readOnly: z.boolean(),
  capDrop: z.array(z.string().min(1)),
  capAdd: z.array(z.string().min(1)),
  securityOpt: z.array(z.string().min(1)),
  pidsLimit: z.number().int().min(-1).optional(),
  memoryBytes: z.number().int().positive().optional(),
  nanoCpus: z.number().int().positive().optional(),
  /** Container path → tmpfs mount options ("" when none were given). */
  tmpfs: z.record(z.string().startsWith('/'), z.string()),
  remove: z.boolean(),
  name: z.string().min(1).optional(),
  workdir: z.string().startsWith('/').optional(),
  labels: stringMap,
});
/** A validated `docker run` step. */
export type RunStep = z.infer<typeof runStepSchema>;

/** `docker image inspect` of one or more images. */
export const imageInspectStepSchema = z.strictObject({
  kind: z.literal('image-inspect'),
  images: z.array(imageReference).min(1),
});
/** A validated `docker image inspect` step. */
export type ImageInspectStep = z.infer<typeof imageInspectStepSchema>;

/**
 * `docker compose build`, resolved against the compose files when the block was classified:
 * one `docker build` per service, in the order they run (dependencies first).
 */
export const composeBuildStepSchema = z.strictObject({
  kind: z.literal('compose-build'),
  /** The compose project name, as compose would derive it. */
  project: z.string().min(1),
  /** The compose files read, relative to the working directory. */
  files: z.array(relativePath).min(1),
  builds: z.array(z.strictObject({ service: z.string().min(1), build: buildStepSchema })).min(1),
  /** Selected services with nothing to build, and why. */
  skipped: z.array(z.strictObject({ service: z.string().min(1), reason: z.string() })),
});
/** A validated `docker compose build` step. */
export type ComposeBuildStep = z.infer<typeof composeBuildStepSchema>;

/** Any step a runnable block consists of, discriminated by `kind`. */
export const stepSchema = z.discriminatedUnion('kind', [buildStepSchema, runStepSchema, imageInspectStepSchema, composeBuildStepSchema]);
/** One executable step of a runnable block. */
export type Step = z.infer<typeof stepSchema>;

/** Formats zod issues as one line per field, for the rare case a parser builds an invalid step. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'step'}: ${issue.message}`).join('; ');
}
