import { z } from 'zod';
import { logLineSchema, runRecordSchema } from './run-record.ts';
import { runbookRunRecordSchema } from './runbook-run-record.ts';

/** A run without its block text and step results: what the dashboard's stream carries. */
export const runSummarySchema = runRecordSchema.omit({ blockSource: true, result: true });
export type RunSummary = z.infer<typeof runSummarySchema>;

/** The frames of one run's stream (`GET /api/runs/<id>/events`), by event name. */
export const runFrameSchemas = {
  queued: z.object({ run: runRecordSchema, position: z.number().int() }),
  started: z.object({ run: runRecordSchema }),
  log: logLineSchema,
  finished: z.object({ run: runRecordSchema }),
};
export type RunFrames = { [Event in keyof typeof runFrameSchemas]: z.infer<(typeof runFrameSchemas)[Event]> };

/** When the server saw the change, in epoch milliseconds: how a reader measures the frame's delay. */
const emittedAtSchema = z.number();

/** The frames of every run's life (`GET /api/events`), keyed `blockId@target` for the dashboard rows. */
export const dashboardFrameSchemas = {
  queued: z.object({ key: z.string(), run: runSummarySchema, position: z.number().int(), emittedAt: emittedAtSchema }),
  started: z.object({ key: z.string(), run: runSummarySchema, emittedAt: emittedAtSchema }),
  finished: z.object({ key: z.string(), run: runSummarySchema, emittedAt: emittedAtSchema }),
  /** A maintenance window started or ended: rows may have changed with no run to say so. */
  maintenance: z.object({ emittedAt: emittedAtSchema }),
};
export type DashboardFrames = { [Event in keyof typeof dashboardFrameSchemas]: z.infer<(typeof dashboardFrameSchemas)[Event]> };

/** The frames of one runbook run's stream (`GET /api/runbook-runs/<id>/events`): the whole record each time. */
export const runbookRunFrameSchemas = {
  updated: z.object({ run: runbookRunRecordSchema }),
  finished: z.object({ run: runbookRunRecordSchema }),
};
export type RunbookRunFrames = { [Event in keyof typeof runbookRunFrameSchemas]: z.infer<(typeof runbookRunFrameSchemas)[Event]> };
