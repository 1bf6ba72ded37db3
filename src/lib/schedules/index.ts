// The public face of src/lib/schedules: other domains and the pages import only this file.
export * from './scheduler.ts';
export * from './runbook-scheduler.ts';
