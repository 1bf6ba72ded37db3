// The public face of src/lib/procedures: other domains and the pages import only this file.
export * from './block-view.ts';
export * from './check-blocks.ts';
export * from './check-citations.ts';
export * from './decorate-blocks.ts';
export * from './describe-step.ts';
export * from './image-reference.ts';
export * from './procedure-catalog.ts';
export * from './step-schemas.ts';
export * from './block-href.ts';
export * from './block-identity.ts';
export * from './runbook-blocks.ts';
