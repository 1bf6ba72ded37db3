// The public face of src/lib/views: what each page renders, one function per page.
export * from './catalogue-view.ts';
export * from './dashboard-view.ts';
export * from './doc-page-view.ts';
export * from './health-view.ts';
export * from './incident-views.ts';
export * from './run-views.ts';
export * from './runbook-run-views.ts';
export * from './audit-view.ts';
export * from './session-view.ts';
export * from './search-view.ts';
