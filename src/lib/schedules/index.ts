// The public face of src/lib/schedules: other domains and the pages import only this file.
export type { ScheduleState } from './schedule-book.ts';
export * from './scheduler.ts';
export * from './runbook-scheduler.ts';
