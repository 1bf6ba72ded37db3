import { z } from 'zod';

/** A regular expression given as a string; rejected at load time when it does not compile. */
const regexSource = z.string().min(1).refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

const keyList = z.array(z.string().min(1)).default([]);

/** One doc type: where its files live and which frontmatter it takes. */
export const docTypeContractSchema = z.object({
  /** Folder holding this type's docs, relative to the docs folder or to the repository. */
  folder: z.string().min(1),
  /** Every file name in the folder must match this. */
  filename_regex: regexSource,
  /** Every `id` of this type must match this. */
  id_regex: regexSource,
  /** The `status` values this type accepts. */
  status_allowed: z.array(z.string().min(1)).min(1, 'list at least one status'),
  /** Keys this type requires on top of `frontmatter.common_required`. */
  required: keyList,
  /** Keys this type accepts on top of `frontmatter.common_optional`. */
  optional: keyList,
});
export type DocTypeContract = z.infer<typeof docTypeContractSchema>;

/** The frontmatter rules every doc shares. */
export const frontmatterContractSchema = z.object({
  common_required: keyList,
  common_optional: keyList,
  /** The opening and closing fence of the frontmatter block; `["---", "---"]` when absent. */
  delimiters: z.tuple([z.string().min(1), z.string().min(1)], { error: 'a pair of fence strings, like ["---", "---"]' }).optional(),
});

// Unknown keys are not refused here: a team's contract may carry keys for its own tools, and
// refusing the whole contract over one of them would validate the folder against nothing it
// declared. `unknownContractKeys` lists them so they are reported as warnings instead.

/** The docs contract, as written in `_meta/docs-contract.yaml`. */
export const docsContractSchema = z.object({
  /** Format version of the contract file. */
  version: z.union([z.number(), z.string()]),
  /** Top-level folders that may exist in the docs folder. */
  allowed_top_level: z.array(z.string().min(1)).min(1, 'list at least one folder'),
  /** Paths or globs (relative to the docs folder) that need no frontmatter. */
  frontmatter_exempt: z.array(z.string().min(1)).default([]),
  /** Keys every doc must or may carry, and how the frontmatter is fenced. */
  frontmatter: frontmatterContractSchema,
  /** Doc types by name; the name is what `type:` must say. */
  types: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'type names are lowercase words'), docTypeContractSchema)
    .refine((types) => Object.keys(types).length > 0, { message: 'at least one type is required' }),
});
export type DocsContract = z.infer<typeof docsContractSchema>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The key paths in a raw contract that the schemas above do not define, in file order. */
export function unknownContractKeys(raw: unknown): string[][] {
  if (!isRecord(raw)) return [];
  const unknown: string[][] = [];
  const check = (value: unknown, known: readonly string[], at: string[]) => {
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) if (!known.includes(key)) unknown.push([...at, key]);
  };
  check(raw, Object.keys(docsContractSchema.shape), []);
  check(raw.frontmatter, Object.keys(frontmatterContractSchema.shape), ['frontmatter']);
  if (isRecord(raw.types)) {
    for (const [name, type] of Object.entries(raw.types)) check(type, Object.keys(docTypeContractSchema.shape), ['types', name]);
  }
  return unknown;
}
