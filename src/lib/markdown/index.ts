// The public face of src/lib/markdown: other domains and the pages import only this file.
export * from './code-blocks.ts';
export * from './parse-markdown.ts';
export * from './render-markdown.ts';
export * from './render-pool.ts';
export * from './nesting-limits.ts';
export * from './collect-headings.ts';
export * from './code-and-headings.ts';
