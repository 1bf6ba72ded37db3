// The public face of src/lib/audit: the audit log of attempted changes. Other domains and the pages import only this file.
export * from './audit-entry.ts';
export * from './audit-log.ts';
