// The public face of src/lib/runs: other domains and the pages import only this file.
export * from './all-runs-stream.ts';
export * from './render-log.ts';
export * from './run-event-stream.ts';
export * from './run-events.ts';
export * from './run-record.ts';
export * from './run-result.ts';
export * from './run-service.ts';
export * from './run-store.ts';
export * from './sqlite-run-stats.ts';
export * from './sqlite-run-store.ts';
export * from './start-run-request.ts';
export * from './run-frames.ts';
export * from './sse-stream.ts';
