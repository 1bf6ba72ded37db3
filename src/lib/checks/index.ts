// The public face of src/lib/checks: other domains and the pages import only this file.
export * from './assertion-label.ts';
export * from './check-observations.ts';
export * from './citations.ts';
export * from './classify-check-block.ts';
export * from './declared-blocks.ts';
export * from './execute-check.ts';
export * from './place-files.ts';
export * from './resolve-check.ts';
export * from './parse-check-spec.ts';
export type { CheckSpec, FixtureSpec } from './check-spec-schema.ts';
