// What the page scripts may import from dashboard as values: pure lists and plain functions
// with no Node or library imports, so bundling them for the browser pulls in nothing else.
// Types come from index.ts.
export { CHECK_STATUS_ORDER } from './check-status-order.ts';
export { maintenanceNote } from './maintenance-note.ts';
