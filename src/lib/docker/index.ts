// The public face of src/lib/docker: other domains and the pages import only this file.
export * from './docker-client.ts';
export * from './dockerode-client.ts';
export * from './engine-errors.ts';
export * from './errors.ts';
export * from './labels.ts';
