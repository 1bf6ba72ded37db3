import type { ProcedureBlock } from './procedure-catalog.ts';

/** A block as the API and the page describe it. The source is shown; it is never sent back. */
export interface BlockView {
  id: string;
  hash: string;
  name: string | null;
  lang: string | null;
  line: number | null;
  heading: { slug: string; text: string } | null;
  /** `procedure`, `check` (a contract check), or a declaration checks cite: `fixture` or `schema`. */
  kind: 'procedure' | 'check' | 'fixture' | 'schema';
  /** Counts as a check: contract checks, and procedures marked `check`. */
  isCheck: boolean;
  runnable: boolean;
  /** Why the block is a manual step. */
  reason: string | null;
  /** Step kinds in order, e.g. `['build']`. */
  steps: string[];
  variables: Array<{ name: string; default: string; kind: string; description: string | null }>;
  targets: string[];
  timeoutSeconds: number;
  source: string;
}

/** Describes a block for clients. */
export function viewBlock(block: ProcedureBlock, defaultTargets: string[]): BlockView {
  return {
    id: block.id,
    hash: block.hash,
    name: typeof block.annotations.name === 'string' ? block.annotations.name : null,
    lang: block.lang,
    line: block.line,
    heading: block.heading,
    kind: block.kind,
    isCheck: block.isCheck,
    runnable: block.runnable,
    reason: block.reason,
    steps: block.steps.map((step) => step.kind),
    variables: block.variables.map(({ name, default: value, kind, description }) => ({ name, default: value, kind, description })),
    targets: block.system?.targets ?? defaultTargets,
    timeoutSeconds: block.timeoutSeconds,
    source: block.source,
  };
}
