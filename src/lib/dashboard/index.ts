// The public face of src/lib/dashboard: other domains and the pages import only this file.
export * from './dashboard-data.ts';
export * from './doc-freshness.ts';
export * from './maintenance-note.ts';
export * from './freshness-words.ts';
export * from './prometheus-metrics.ts';
export * from './run-all.ts';
export * from './status-badge.ts';
export * from './verified-by.ts';
export * from './dashboard-service.ts';
export * from './runbook-rows.ts';
