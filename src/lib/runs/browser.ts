// What the page scripts may import from runs as values: pure lists with no Node or library
// imports, so bundling them for the browser pulls in nothing else. Types come from index.ts.
export { FINAL_STATUSES, isFinal } from './run-status.ts';
export { ANSI_LOG_COLOURS } from './log-colours.ts';
