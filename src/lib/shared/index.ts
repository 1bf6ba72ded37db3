// The public face of src/lib/shared: other domains and the pages import only this file.
export * from './format-age.ts';
export * from './format-duration.ts';
export * from './format-zod-issues.ts';
export * from './memory-size.ts';
export * from './outcome.ts';
export * from './escape-html.ts';
export * from './locate-worker-module.ts';
export * from './theme-choice.ts';
