// What the page scripts may import from dashboard as values: plain functions with no imports.
export { maintenanceNote } from './maintenance-note.ts';
