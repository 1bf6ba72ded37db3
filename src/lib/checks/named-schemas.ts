import { z } from 'zod';

/** Result shape of runner contract v2 (ADR-0015): exactly these keys. */
const runnerResultV2 = z.strictObject({
  contract_version: z.literal(2),
  status: z.enum(['succeeded', 'failed']),
  error_summary: z.string().nullable(),
  outputs: z.array(z.record(z.string(), z.unknown())),
  artifacts: z.array(z.strictObject({ path: z.string(), bytes: z.number().int().nonnegative() })),
});

/** Artifact paths are relative, never climb with `..`, and live under output/ (ADR-0015). */
const runnerArtifactPaths = z.object({
  artifacts: z.array(
    z.object({
      path: z
        .string()
        .refine((p) => !p.startsWith('/'), 'must be relative to /work')
        .refine((p) => !p.split('/').includes('..'), 'must not contain a .. segment')
        .refine((p) => p.startsWith('output/'), 'must start with output/'),
    }),
  ),
});

/** The input manifest the app writes (REF-runner-contract). */
const runnerInputManifest = z.strictObject({
  files: z.array(z.strictObject({ name: z.string(), path: z.string(), bytes: z.number().int().nonnegative() })),
});

/** Schemas a check may name with `schema:`. */
export const NAMED_SCHEMAS: Record<string, z.ZodType> = {
  'runner-result-v2': runnerResultV2,
  'runner-artifact-paths': runnerArtifactPaths,
  'runner-input-manifest': runnerInputManifest,
};
