import { z } from 'zod';
import { assertionVerdictSchema, type AssertionVerdict } from '../checks/index.ts';
import { imageDetailsSchema } from '../docker/index.ts';

/** A build that produced an image. */
export const builtStepSchema = z.object({
  kind: z.literal('build'),
  imageId: z.string(),
  tags: z.array(z.string()),
  sizeBytes: z.number(),
  durationMs: z.number(),
  /** The compose service it was built for, in a `docker compose build`. */
  service: z.string().optional(),
});
/** A build the engine refused, with its error. */
export const buildFailedStepSchema = z.object({ kind: z.literal('build-failed'), error: z.string(), service: z.string().optional() });
/** A container that ran to an exit (or was stopped). */
export const ranStepSchema = z.object({ kind: z.literal('run'), image: z.string(), exitCode: z.number().nullable(), durationMs: z.number(), oomKilled: z.boolean() });
/** A contract check with every assertion's verdict. */
export const checkedStepSchema = z.object({
  kind: z.literal('check'),
  image: z.string(),
  imageId: z.string().nullable(),
  exitCode: z.number().nullable(),
  timedOut: z.boolean(),
  counts: z.object({ passed: z.number(), failed: z.number(), skipped: z.number() }),
  verdicts: z.array(assertionVerdictSchema),
});
/** Images looked at with `docker image inspect`. */
export const inspectedStepSchema = z.object({ kind: z.literal('image-inspect'), images: z.array(imageDetailsSchema) });

/** What one step of a run came to, told apart by `kind`. */
export const stepResultSchema = z.preprocess(
  // Runs stored before build failures had a kind of their own said `build` with an `error`.
  (value) => (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'build' && 'error' in value ? { ...value, kind: 'build-failed' } : value),
  z.discriminatedUnion('kind', [builtStepSchema, buildFailedStepSchema, ranStepSchema, checkedStepSchema, inspectedStepSchema]),
);
export type StepResult = z.infer<typeof stepResultSchema>;

/** A run's result as stored: one entry per step that ran. */
export const runResultSchema = z.object({ steps: z.array(stepResultSchema) });
export type RunResult = z.infer<typeof runResultSchema>;

/** Reads a stored result; null when there is none or it is not one this version understands. */
export function parseRunResult(json: string | null): RunResult | null {
  if (json === null) return null;
  const parsed = runResultSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

/** The assertion verdicts in a run's result, if it was a check. */
export function checkVerdicts(result: RunResult | null): AssertionVerdict[] {
  return (result?.steps ?? []).flatMap((step) => (step.kind === 'check' ? step.verdicts : []));
}
