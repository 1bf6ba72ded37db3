// No imports: the dashboard's page script shows the same note after a live refresh (browser.ts).

/** The least a note needs from a maintenance window. */
export interface MaintenanceNoteWindow {
  reason: string | null;
  until: string;
}

/** The line under a row's status while its check is in a window: `until 2026-06-01 04:00 UTC · engine upgrade`; empty outside one. */
export function maintenanceNote(window: MaintenanceNoteWindow | null): string {
  if (!window) return '';
  const until = `until ${window.until.slice(0, 16).replace('T', ' ')} UTC`;
  return window.reason ? `${until} · ${window.reason}` : until;
}
