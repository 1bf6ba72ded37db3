import { z } from 'zod';
import { IMAGE_ASSERTION_KINDS, imageAssertionShape } from './image-assertions.ts';
import { FILE_METADATA_CHECKS, fileMetadataShape } from './file-metadata-assertions.ts';
import { placedFileSchema, volumeSpecSchema } from './placed-file-schema.ts';

const durationText = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(ms|s|m)?$/, 'write a duration like 20s, 2m or 500ms').refine((text) => !/^0+(ms|s|m)?$/.test(text), 'must be longer than zero'),
]);
// A file read back: absolute, or relative to the check's first volume (its work folder).
const readBackFile = z
  .string()
  .min(1)
  .refine((p) => !p.split('/').includes('..'), 'a path without .., absolute (/etc/app.conf) or relative to the first volume (out/report.txt)');
/** Cites a block declared in a doc: `REF-x#name` (a fixture for `use:`, a schema for `schema:`). */
export const blockReference = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*#[A-Za-z0-9][A-Za-z0-9._-]*$/, 'write the doc id and the block name, like REF-app-contract#app-result');

/** Container hardening, as the app applies it (docker run flags, snake_case). Unset keys take the defaults after fixtures are merged. */
export const hardeningSchema = z.strictObject({
  /** `--user`: a uid, `uid:gid` or a user name. */
  user: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  /** `--read-only`. */
  read_only: z.boolean().optional(),
  /** `--network`, e.g. `none`. */
  network: z.string().min(1).optional(),
  /** `--cap-drop`, e.g. `[ALL]`. */
  cap_drop: z.array(z.string().min(1)).optional(),
  /** `--security-opt no-new-privileges`. */
  no_new_privileges: z.boolean().optional(),
  /** `--pids-limit`. */
  pids_limit: z.number().int().positive().optional(),
  /** `--memory`, e.g. `256m`. */
  memory: z.string().regex(/^\d+[bkmg]?$/i, 'write a size like 256m or 1g').optional(),
  /** `--tmpfs` mount points. */
  tmpfs: z.array(z.string().startsWith('/')).optional(),
});

/** One expectation. Exactly one kind key per entry; `name` and `because` are optional. */
export const assertionSpecSchema = z
  .strictObject({
    /** How the verdict is labelled; generated when left out. */
    name: z.string().min(1).optional(),
    /** The doc clause this verifies: `ADR-0015#artifact-path-safety`. */
    because: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(#[A-Za-z0-9._-]+)?$/, 'write a doc id with an optional anchor, like ADR-0015#artifact-path-safety').optional(),
    exit_code: z.number().int().optional(),
    stdout_contains: z.string().optional(),
    stdout_matches: z.string().optional(),
    stderr_contains: z.string().optional(),
    stderr_matches: z.string().optional(),
    /** A file read back after the run (absolute, or relative to the first volume); combine with one of the file checks. */
    file: readBackFile.optional(),
    exists: z.boolean().optional(),
    contains: z.string().optional(),
    matches: z.string().optional(),
    /** Dotted paths into the file's JSON and the values they must equal. */
    json: z.record(z.string(), z.unknown()).optional(),
    /** A JSON Schema declared in a doc (```json { schema name=… }```) the file must validate against. */
    schema: blockReference.optional(),
    ...fileMetadataShape,
    ...imageAssertionShape,
    runtime_uid_not_root: z.literal(true).optional(),
    runtime_read_only_root: z.literal(true).optional(),
    runtime_network: z.string().min(1).optional(),
    runtime_cap_drop: z.string().min(1).optional(),
  })
  .superRefine((spec, ctx) => {
    const kinds = ASSERTION_KINDS.filter((key) => spec[key] !== undefined);
    const fileChecks = FILE_CHECKS.filter((key) => spec[key] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: kinds.length === 0 ? `give one of: ${ASSERTION_KINDS.join(', ')}` : `give only one of ${kinds.join(', ')} per entry` });
    } else if (kinds[0] === 'file' && fileChecks.length !== 1) {
      const given = fileChecks.length === 0 ? 'none was given' : `got ${fileChecks.join(' and ')}`;
      ctx.addIssue({ code: 'custom', message: `a file entry needs exactly one of: ${FILE_CHECKS.join(', ')} (${given})` });
    } else if (kinds[0] !== 'file' && fileChecks.length > 0) {
      ctx.addIssue({ code: 'custom', path: [fileChecks[0]!], message: `${fileChecks[0]} only goes with file:` });
    }
    for (const key of ['stdout_matches', 'stderr_matches', 'matches'] as const) {
      const source = spec[key];
      if (source === undefined) continue;
      try {
        new RegExp(source);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: [key], message: `not a valid regular expression: ${(error as Error).message}` });
      }
    }
  });
export type AssertionSpec = z.infer<typeof assertionSpecSchema>;

/** The kind keys an assertion may have. */
export const ASSERTION_KINDS = [
  'exit_code', 'stdout_contains', 'stdout_matches', 'stderr_contains', 'stderr_matches', 'file',
  ...IMAGE_ASSERTION_KINDS,
  'runtime_uid_not_root', 'runtime_read_only_root', 'runtime_network', 'runtime_cap_drop',
] as const;
const FILE_CHECKS = ['exists', 'contains', 'matches', 'json', 'schema', ...FILE_METADATA_CHECKS] as const;

export type HardeningSpec = z.infer<typeof hardeningSchema>;

/** Hardening with every default filled: what the container is created with. */
export interface Hardening {
  user?: string | number;
  read_only: boolean;
  network?: string;
  cap_drop: string[];
  no_new_privileges: boolean;
  pids_limit?: number;
  memory?: string;
  tmpfs: string[];
}

/** The defaults for hardening a check and its fixtures leave unset: none of it. */
export function withHardeningDefaults(spec: HardeningSpec): Hardening {
  return { ...spec, read_only: spec.read_only ?? false, cap_drop: spec.cap_drop ?? [], no_new_privileges: spec.no_new_privileges ?? false, tmpfs: spec.tmpfs ?? [] };
}

const envSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name: letters, digits and _'), z.string());

/** What a fixture block (```yaml { fixture name=… }```) declares: a layout checks reuse with `use:`. */
export const fixtureSpecSchema = z.strictObject({
  /** Files placed before start; a check's file at the same path replaces the fixture's. */
  files: z.array(placedFileSchema).default([]),
  /** Volumes mounted; fresh ones are made per run. */
  volumes: z.array(volumeSpecSchema).default([]),
  /** Environment; a check's variable of the same name wins. */
  env: envSchema.default({}),
  /** Hardening; a check's key of the same name wins. */
  hardening: hardeningSchema.default({}),
});
export type FixtureSpec = z.infer<typeof fixtureSpecSchema>;

/** A contract check, as written in a ```yaml { check } block. */
export const checkSpecSchema = z.strictObject({
  /** Fixtures to start from, in order (`REF-x#name`); the check's own values are merged over them. */
  use: z.union([blockReference, z.array(blockReference)]).transform((value) => (Array.isArray(value) ? value : [value])).default([]),
  /** The image to run; `$VAR` comes from the system's declared variables. */
  image: z.string({ error: (issue) => (issue.input === undefined ? 'required: the image to run, e.g. $APP_IMAGE' : 'must be an image reference') }).min(1),
  /** The container is killed after this long; assertions still see what it wrote. */
  timeout: durationText.default('60s'),
  /** Replaces the image's CMD. */
  command: z.array(z.string()).optional(),
  /** Replaces the image's ENTRYPOINT. */
  entrypoint: z.array(z.string()).optional(),
  /** Environment, over the fixtures'. */
  env: envSchema.default({}),
  hardening: hardeningSchema.default({}),
  /** Files placed before start, over the fixtures'. */
  files: z.array(placedFileSchema).default([]),
  /** Volumes mounted, with the fixtures'. */
  volumes: z.array(volumeSpecSchema).default([]),
  expect: z.array(assertionSpecSchema).min(1, 'list at least one expectation'),
});
export type CheckSpec = z.infer<typeof checkSpecSchema>;
