// The public face of src/lib/search: other domains and the pages import only this file.
export * from './doc-search.ts';
export * from './doc-sections.ts';
export * from './search-query.ts';
export * from './search-result.ts';
export * from './snippet-html.ts';
export * from './sqlite-search-index.ts';
