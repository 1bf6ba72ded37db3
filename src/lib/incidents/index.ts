// The public face of src/lib/incidents: other domains and the pages import only this file.
export * from './export-incident.ts';
export * from './incident-action-request.ts';
export * from './incident-record.ts';
export * from './incident-service.ts';
export * from './section-incidents.ts';
export * from './sqlite-incident-store.ts';
export * from './sqlite-webhook-outbox.ts';
export * from './sqlite-maintenance-runs.ts';
export * from './troubleshooting-sections.ts';
export * from './webhook-delivery.ts';
export * from './webhook-dispatcher.ts';
export * from './webhook-notifier.ts';
export * from './webhook-payload.ts';
export * from './webhook-settings.ts';
export * from './webhook-signature.ts';
