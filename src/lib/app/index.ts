// The public face of src/lib/app: the composition root.
export * from './create-core.ts';
export * from './start-once.ts';
export * from './cached-routes.ts';
export * from './page-cache.ts';
