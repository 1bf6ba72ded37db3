// The public face of src/lib/app: other domains and the pages import only this file.
export * from './services.ts';
