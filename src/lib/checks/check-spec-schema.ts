import { z } from 'zod';
import { NAMED_SCHEMAS } from './named-schemas.ts';
import { IMAGE_ASSERTION_KINDS, imageAssertionShape } from './image-assertions.ts';
import { FILE_METADATA_CHECKS, fileMetadataShape } from './file-metadata-assertions.ts';

const durationText = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(ms|s|m)?$/, 'write a duration like 20s, 2m or 500ms').refine((text) => !/^0+(ms|s|m)?$/.test(text), 'must be longer than zero'),
]);
const safeFileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, 'a plain file name: ASCII letters, digits, ".", "_", "-" and spaces, no folders');
const relativePath = (example: string) =>
  z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), `a relative path without .., like ${example}`);
const workPath = relativePath('result.json or output/report.txt (inside /work)');

/** Container hardening, as the app applies it (ADR-style flags, snake_case). */
export const hardeningSchema = z.strictObject({
  /** `--user`: a uid, `uid:gid` or a user name. */
  user: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  /** `--read-only`. */
  read_only: z.boolean().default(false),
  /** `--network`, e.g. `none`. */
  network: z.string().min(1).optional(),
  /** `--cap-drop`, e.g. `[ALL]`. */
  cap_drop: z.array(z.string().min(1)).default([]),
  /** `--security-opt no-new-privileges`. */
  no_new_privileges: z.boolean().default(false),
  /** `--pids-limit`. */
  pids_limit: z.number().int().positive().optional(),
  /** `--memory`, e.g. `256m`. */
  memory: z.string().regex(/^\d+[bkmg]?$/i, 'write a size like 256m or 1g').optional(),
  /** `--tmpfs` mount points. */
  tmpfs: z.array(z.string().startsWith('/')).default([]),
});

/** Files placed into the per-run volume at /work before the container starts. */
export const checkFilesSchema = z.strictObject({
  /** The tool script: a path in the system's folder, or the script itself. */
  script: z
    .strictObject({ path: relativePath('tools/contract_smoke.py (inside the system folder)').optional(), inline: z.string().min(1).optional() })
    .refine((script) => (script.path === undefined) !== (script.inline === undefined), 'give either path: (a file in the system folder) or inline: (the script itself), not both')
    .optional(),
  /** Written as /work/memory.json. */
  memory: z.strictObject({ settings: z.record(z.string(), z.unknown()) }).optional(),
  /** Written under /work/input/, and listed in the manifest. */
  inputs: z
    .array(z.strictObject({ name: safeFileName, content: z.string() }))
    .default([])
    .superRefine((inputs, ctx) => {
      const seen = new Set<string>();
      inputs.forEach((input, index) => {
        if (input.name === 'manifest.json') ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'manifest.json is written by the check itself; give the input another name' });
        else if (seen.has(input.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `another input is already named ${input.name}; names must be unique` });
        seen.add(input.name);
      });
    }),
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
    /** A path under /work read back after the run; combine with one of the file checks. */
    file: workPath.optional(),
    exists: z.boolean().optional(),
    contains: z.string().optional(),
    matches: z.string().optional(),
    /** Dotted paths into the file's JSON and the values they must equal. */
    json: z.record(z.string(), z.unknown()).optional(),
    schema: z.enum(Object.keys(NAMED_SCHEMAS) as [string, ...string[]]).optional(),
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

/** A contract check, as written in a ```yaml { check } block. */
export const checkSpecSchema = z.strictObject({
  /** The image to run; `$VAR` comes from the system's declared variables. */
  image: z.string({ error: (issue) => (issue.input === undefined ? 'required: the image to run, e.g. $RUNNER_IMAGE' : 'must be an image reference') }).min(1),
  /** The container is killed after this long; assertions still see what it wrote. */
  timeout: durationText.default('60s'),
  /** Replaces the image's CMD. */
  command: z.array(z.string()).optional(),
  /** Replaces the image's ENTRYPOINT. */
  entrypoint: z.array(z.string()).optional(),
  /** Extra environment; the SKRIPTOTEKET_* variables are derived from `files`. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  hardening: hardeningSchema.default({ read_only: false, cap_drop: [], no_new_privileges: false, tmpfs: [] }),
  files: checkFilesSchema.default({ inputs: [] }),
  expect: z.array(assertionSpecSchema).min(1, 'list at least one expectation'),
});
export type CheckSpec = z.infer<typeof checkSpecSchema>;
