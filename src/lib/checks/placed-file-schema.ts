import { z } from 'zod';

/** An absolute path inside the container, without `..` segments. */
export const containerPath = z
  .string()
  .min(1)
  .refine((p) => p.startsWith('/') && !p.split('/').includes('..'), 'an absolute path in the container without .., like /data/config.json');

const fileMode = z.union([
  z.number().int().min(0).max(0o7777),
  z.string().regex(/^0?[0-7]{3,4}$/, 'write a mode in octal, like "0644" or "0755"'),
]);

const relativeSource = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a relative path inside the system folder without .., like tools/smoke.py');

/**
 * One file (or folder) placed in the container before it starts. Exactly one of `content`
 * (text as written), `json` or `yaml` (a value serialized on placing), `from` (a file in the
 * system's folder) or `directory: true` gives what it holds.
 */
export const placedFileSchema = z
  .strictObject({
    /** Where the file goes. */
    path: containerPath,
    /** The file's text, as written. */
    content: z.string().optional(),
    /** A value written as JSON; may hold expansions (`$each_file`). */
    json: z.unknown().optional(),
    /** A value written as YAML; may hold expansions (`$each_file`). */
    yaml: z.unknown().optional(),
    /** A file in the system's folder, read when the check runs. */
    from: relativeSource.optional(),
    /** An empty folder, owned by the container's user. */
    directory: z.literal(true).optional(),
    /** Permission bits, octal: `"0755"` for a script that must be executable. */
    mode: fileMode.optional(),
  })
  .superRefine((file, ctx) => {
    const given = FILE_SOURCES.filter((key) => file[key] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: given.length === 0 ? `give what the file holds: one of ${FILE_SOURCES.join(', ')}` : `give only one of ${given.join(', ')} for ${file.path}`,
      });
    }
  });
export type PlacedFileSpec = z.infer<typeof placedFileSchema>;

/** The keys that say what a placed file holds; exactly one per file. */
export const FILE_SOURCES = ['content', 'json', 'yaml', 'from', 'directory'] as const;

/** A volume mounted into the container; `fresh: true` is one made for this run and removed after it. */
export const volumeSpecSchema = z.strictObject({
  /** Where it is mounted. */
  path: containerPath,
  /** A new, empty volume for every run (the only kind there is yet, so it must be said). */
  fresh: z.literal(true, { error: 'only fresh: true volumes exist: a new volume per run, removed after it' }),
});
export type VolumeSpec = z.infer<typeof volumeSpecSchema>;

/** The numeric mode of a placed file, or null for the default. */
export function fileModeBits(mode: PlacedFileSpec['mode']): number | null {
  if (mode === undefined) return null;
  return typeof mode === 'number' ? mode : Number.parseInt(mode, 8);
}
