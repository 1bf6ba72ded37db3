// The public face of src/lib/checks: other domains and the pages import only this file.
export * from './assertion-label.ts';
export * from './check-observations.ts';
export * from './citations.ts';
export * from './classify-check-block.ts';
export * from './execute-check.ts';
export * from './work-folder.ts';
