// The public face of src/lib/config: other domains and the pages import only this file.
export * from './load-config.ts';
export * from './server-settings.ts';
