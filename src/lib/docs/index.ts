// The public face of src/lib/docs: other domains and the pages import only this file.
export * from './doc-href.ts';
export * from './doc-record.ts';
export * from './doc-set.ts';
export * from './doc-views.ts';
export * from './docs-repository.ts';
export * from './heading-slugs.ts';
export * from './link-graph.ts';
export * from './rendered-doc-cache.ts';
export * from './docs-rules.ts';
export * from './docs-settings.ts';
export * from './findings.ts';
export * from './repository-root.ts';
export * from './scan-references.ts';
export * from './doc-content-hash.ts';
export * from './git-head.ts';
export * from './docs-watcher.ts';
export * from './doc-set-changes.ts';
