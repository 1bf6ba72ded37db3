// The public face of src/lib/systems: other domains and the pages import only this file.
export * from './docker-targets.ts';
export * from './load-systems-config.ts';
export * from './notifications-config-schema.ts';
export * from './maintenance-boundaries.ts';
export * from './maintenance-schema.ts';
export * from './maintenance-windows.ts';
export * from './target-health.ts';
export * from './variable-name.ts';
