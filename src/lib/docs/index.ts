// The public face of src/lib/docs: other domains and the pages import only this file.
export * from './doc-href.ts';
export * from './doc-record.ts';
export * from './doc-set.ts';
export * from './doc-views.ts';
export * from './docs-repository.ts';
export * from './format-problems.ts';
export * from './heading-slugs.ts';
export * from './link-graph.ts';
export * from './rendered-doc-cache.ts';
