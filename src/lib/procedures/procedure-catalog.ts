import type { DocRecord } from '../docs/index.ts';
import type { DeclaredVariable, ResolvedSystem, SystemsConfig } from '../systems/index.ts';
import { variableDefaults } from '../systems/index.ts';
import { classifyBlock, variablesUsed } from './classify-block.ts';
import { extractFencedBlocks, type FencedBlock } from './extract-procedures.ts';
import type { Step } from './step-schemas.ts';
import { classifyCheckBlock, isCheckBlock, isMarkedCheck, type CheckStep } from '../checks/index.ts';

/** Anything a run executes: a shell-free docker command, or a contract check. */
export type ExecutableStep = Step | CheckStep;

/** A fenced block with the server's verdict on whether, and how, it can run. */
export interface ProcedureBlock extends FencedBlock {
  /** A procedure (docker commands) or a contract check (a ```yaml { check } block). */
  kind: 'procedure' | 'check';
  /** Shown on the dashboard and run by `runbook-live check`: contract checks, and procedures marked `check`. */
  isCheck: boolean;
  /** The doc's system, when it names one that is configured. */
  system: ResolvedSystem | null;
  runnable: boolean;
  /** Why the block is a manual step, when it is one. */
  reason: string | null;
  /** The steps the block runs with the default variables. */
  steps: ExecutableStep[];
  /** Declared variables the block uses, for the Run form. */
  variables: DeclaredVariable[];
  /** Seconds before a run of this block is killed. */
  timeoutSeconds: number;
}

/** The classification of a block for one run, with the variables in effect. */
export type PreparedRun =
  | { ok: true; steps: ExecutableStep[]; variables: Record<string, string> }
  | { ok: false; reason: string };

/**
 * Every doc's fenced blocks, classified against the systems configuration. Results are
 * kept per DocRecord object; the docs repository hands out a new object when a file
 * changes, so edits are picked up without any explicit invalidation.
 */
export class ProcedureCatalog {
  private readonly systems: SystemsConfig;
  private readonly cache = new WeakMap<DocRecord, ProcedureBlock[]>();

  constructor(systems: SystemsConfig) {
    this.systems = systems;
  }

  /** The doc's fenced blocks in order. */
  blocksOf(doc: DocRecord): ProcedureBlock[] {
    let blocks = this.cache.get(doc);
    if (!blocks) {
      blocks = extractFencedBlocks(doc.id, doc.body, doc.bodyStartLine).map((block) => this.classify(doc, block));
      this.cache.set(doc, blocks);
    }
    return blocks;
  }

  /** Re-classifies a runnable block with operator overrides, which must be declared and valid. */
  prepare(block: ProcedureBlock, overrides: Record<string, string>): PreparedRun {
    if (!block.runnable) return { ok: false, reason: block.reason ?? 'the block is not runnable' };
    const declared = new Map(block.variables.map((v) => [v.name, v]));
    for (const name of Object.keys(overrides)) {
      if (!declared.has(name)) {
        const allowed = block.variables.map((v) => v.name).join(', ') || 'none';
        return { ok: false, reason: `variable ${name} is not used by block ${block.id}; it takes: ${allowed}` };
      }
    }
    const variables = { ...(block.system ? variableDefaults(block.system) : {}), ...overrides };
    const classified = this.classifySource(block, variables);
    if (!classified.runnable) return { ok: false, reason: classified.reason };
    return { ok: true, steps: classified.steps, variables: Object.fromEntries(block.variables.map((v) => [v.name, variables[v.name] ?? v.default])) };
  }

  private classify(doc: DocRecord, block: FencedBlock): ProcedureBlock {
    const systemName = typeof doc.frontmatter.system === 'string' ? doc.frontmatter.system : null;
    const system = systemName ? (this.systems.systems.get(systemName) ?? null) : null;
    const timeoutSeconds = parseTimeout(block.annotations.timeout) ?? this.systems.runs.timeout_seconds;
    const kind: ProcedureBlock['kind'] = isCheckBlock(block.lang, block.annotations) ? 'check' : 'procedure';
    const isCheck = kind === 'check' || isMarkedCheck(block.annotations);
    const base = { ...block, kind, isCheck, system, steps: [], variables: [], timeoutSeconds };
    const manual = (reason: string): ProcedureBlock => ({ ...base, runnable: false, reason });
    if (block.problem) return manual(block.problem);
    if (block.annotations.timeout !== undefined && parseTimeout(block.annotations.timeout) === null) {
      return manual(`timeout=${String(block.annotations.timeout)} is not a duration; write timeout=90 (seconds), timeout=90s or timeout=5m`);
    }
    if (systemName && !system) {
      return manual(`the doc's system '${systemName}' is not configured; add it under systems: in ${this.systems.source ?? 'runbook-live.yaml'}`);
    }
    const classified = this.classifySource(base, system ? variableDefaults(system) : {});
    if (!classified.runnable) return manual(classified.reason);
    if (!system && classified.steps.some((step) => step.kind === 'build')) {
      return manual("docker build needs a build context; give the doc a system: that is configured with a dir");
    }
    const used = new Set(classified.variablesUsed);
    const variables = (system?.variables ?? []).filter((v) => used.has(v.name));
    return { ...base, runnable: true, reason: null, steps: classified.steps, variables };
  }

  private classifySource(
    block: Pick<ProcedureBlock, 'kind' | 'lang' | 'source' | 'line'>,
    variables: Record<string, string>,
  ): { runnable: true; steps: ExecutableStep[]; variablesUsed: string[] } | { runnable: false; reason: string } {
    if (block.kind === 'check') return classifyCheckBlock(block.lang, block.source, (block.line ?? 0) + 1, variables);
    const classified = classifyBlock({ lang: block.lang, source: block.source, variables });
    return classified.runnable ? { runnable: true, steps: classified.steps, variablesUsed: variablesUsed(block.source) } : classified;
  }
}

/** `90`, `90s`, `5m` or `1h` as seconds; null when it is none of those. */
export function parseTimeout(value: string | boolean | undefined): number | null {
  if (value === undefined || typeof value === 'boolean') return null;
  const match = /^(\d+)(s|m|h)?$/.exec(value.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'] ?? 1);
  return seconds > 0 ? seconds : null;
}
