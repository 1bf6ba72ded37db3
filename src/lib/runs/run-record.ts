import { z } from 'zod';
import { FAILURE_KINDS, RUN_STATUSES, RUN_TRIGGERS } from './run-status.ts';
import { runResultSchema } from './run-result.ts';

export * from './run-status.ts';

/** One execution of one block on one target, as stored, served as JSON and sent in SSE frames. */
export const runRecordSchema = z.object({
  id: z.string(),
  blockId: z.string(),
  docId: z.string(),
  /** Hash of the block text that ran, so a later edit never rewrites history. */
  blockHash: z.string(),
  /** The block's text as it ran. */
  blockSource: z.string(),
  target: z.string(),
  status: z.enum(RUN_STATUSES),
  failureKind: z.enum(FAILURE_KINDS).nullable(),
  /** One line on how it ended (the build error, the exit code, the host tried). */
  message: z.string().nullable(),
  variables: z.record(z.string(), z.string()),
  actor: z.string(),
  /** The actor's role when they started it; null for the scheduler, the CLI and runs from before roles. */
  actorRole: z.string().nullable().optional(),
  trigger: z.enum(RUN_TRIGGERS),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  exitCode: z.number().nullable(),
  imageId: z.string().nullable(),
  /** The image's registry digest (`name@sha256:…`), when it has one; locally built images have none. */
  imageDigest: z.string().nullable(),
  /** Hash of the doc's frontmatter and body when the run was requested: which version of the runbook it ran from. */
  docHash: z.string().nullable(),
  /** The commit checked out in the docs' repository when the run was requested, if the docs are in one. */
  docsCommit: z.string().nullable(),
  /** Step results (image tags and size, inspect output, check verdicts). */
  result: runResultSchema.nullable(),
  logBytes: z.number(),
  logTruncated: z.boolean(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** One line of a run's output. */
export const logLineSchema = z.object({
  runId: z.string(),
  /** 1-based, gap-free per run, so a reader can resume after the last one it saw. */
  seq: z.number().int(),
  stream: z.enum(['stdout', 'stderr', 'system']),
  text: z.string(),
  at: z.string(),
});
export type LogLine = z.infer<typeof logLineSchema>;

/** A run with what a reader of its page or API needs alongside. */
export interface RunDetail {
  run: RunRecord;
  /** 1-based place in the queue, 0 while running, null when not queued here. */
  queuePosition: number | null;
  logs: LogLine[];
}
