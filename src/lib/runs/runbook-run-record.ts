import { z } from 'zod';
import { FAILURE_KINDS, RUN_STATUSES, RUN_TRIGGERS } from './run-status.ts';

/**
 * Where one step of a runbook run is. `pending` waits for the steps before it; `skipped`
 * never ran (a manual step, or a step after a failure or a cancel); the rest mirror the
 * status of the step's own run.
 */
export const RUNBOOK_STEP_STATUSES = ['pending', ...RUN_STATUSES, 'skipped'] as const;
export type RunbookStepStatus = (typeof RUNBOOK_STEP_STATUSES)[number];

/** One step of a runbook run: a block of the doc, and the run that executed it. */
export const runbookStepSchema = z.object({
  /** Block id, `RUN-runner-image/build-runner`. */
  blockId: z.string(),
  /** The block's name, or the heading above it. */
  name: z.string(),
  /** Line of the fence in the doc, for the timeline's link. */
  line: z.number().nullable(),
  /** A manual step: shown, never run (its reason says why). */
  manual: z.boolean(),
  status: z.enum(RUNBOOK_STEP_STATUSES),
  /** The step's run (its page is /runs/<id>); null until it starts, and for skipped steps. */
  runId: z.string().nullable(),
  /** Why a step was skipped, or how its run ended. */
  reason: z.string().nullable(),
  failureKind: z.enum(FAILURE_KINDS).nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type RunbookStep = z.infer<typeof runbookStepSchema>;

/** One run of a whole runbook on one target: its steps in document order, as stored and streamed. */
export const runbookRunRecordSchema = z.object({
  id: z.string(),
  docId: z.string(),
  docTitle: z.string(),
  /** The hash of the steps' ids and block hashes when it started (see `runbookHash`). */
  planHash: z.string(),
  target: z.string(),
  /** `queued` and `interrupted` as for runs; otherwise how the steps came out. */
  status: z.enum(RUN_STATUSES),
  /** The first failing step's failure kind. */
  failureKind: z.enum(FAILURE_KINDS).nullable(),
  message: z.string().nullable(),
  variables: z.record(z.string(), z.string()),
  actor: z.string(),
  /** The actor's role when they started it; null for the scheduler, the CLI and runs from before roles. */
  actorRole: z.string().nullable().optional(),
  trigger: z.enum(RUN_TRIGGERS),
  /** Whether later steps still ran after one failed. */
  keepGoing: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  steps: z.array(runbookStepSchema),
});
export type RunbookRunRecord = z.infer<typeof runbookRunRecordSchema>;
