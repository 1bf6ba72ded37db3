import type { DocRecord, DocSet } from '../docs/index.ts';
import type { DeclaredVariable, ResolvedSystem, SystemsConfig } from '../systems/index.ts';
import { variableDefaults } from '../systems/index.ts';
import { classifyBlock, variablesUsed } from './classify-block.ts';
import { extractFencedBlocks, type FencedBlock } from './extract-procedures.ts';
import type { Step } from './step-schemas.ts';
import { buildContractLibrary, classifyCheckBlock, declaredBlockKind, EMPTY_LIBRARY, isCheckBlock, isMarkedCheck, type CheckStep, type ContractLibrary, type DeclaredBlockSource } from '../checks/index.ts';

/** Anything a run executes: a shell-free docker command, or a contract check. */
export type ExecutableStep = Step | CheckStep;

/** A fenced block with the server's verdict on whether, and how, it can run. */
export interface ProcedureBlock extends FencedBlock {
  /**
   * A procedure (docker commands), a contract check (a ```yaml { check } block), or a
   * declaration checks cite: a fixture (```yaml { fixture }) or a schema (```json { schema }).
   */
  kind: 'procedure' | 'check' | 'fixture' | 'schema';
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
 * Every doc's fenced blocks, classified against the systems configuration and the fixtures
 * and schemas the docs declare. A check may cite a block in another doc, so results are
 * kept per DocSet (and per DocRecord within it); the docs repository hands out a new set
 * whenever a file changes, so edits are picked up without any explicit invalidation.
 */
export class ProcedureCatalog {
  private readonly systems: SystemsConfig;
  private readonly extracted = new WeakMap<DocRecord, FencedBlock[]>();
  private readonly libraries = new WeakMap<DocSet, ContractLibrary>();
  private readonly classified = new WeakMap<DocSet, WeakMap<DocRecord, ProcedureBlock[]>>();
  // What a block was classified against, so `prepare` re-classifies it against the same docs.
  private readonly libraryOfBlock = new WeakMap<ProcedureBlock, ContractLibrary>();

  constructor(systems: SystemsConfig) {
    this.systems = systems;
  }

  /** The doc's fenced blocks in order, as the docs in `set` declare their fixtures and schemas. */
  blocksOf(doc: DocRecord, set: DocSet): ProcedureBlock[] {
    let perDoc = this.classified.get(set);
    if (!perDoc) {
      perDoc = new WeakMap();
      this.classified.set(set, perDoc);
    }
    let blocks = perDoc.get(doc);
    if (!blocks) {
      const library = this.library(set);
      blocks = this.fencedBlocks(doc).map((block) => this.classify(doc, block, library));
      for (const block of blocks) this.libraryOfBlock.set(block, library);
      perDoc.set(doc, blocks);
    }
    return blocks;
  }

  /** Every fixture and schema the docs declare, parsed and compiled once per set. */
  library(set: DocSet): ContractLibrary {
    let library = this.libraries.get(set);
    if (!library) {
      const declarations: DeclaredBlockSource[] = set.docs.flatMap((doc) =>
        this.fencedBlocks(doc).flatMap((block) => {
          const kind = declaredBlockKind(block.annotations);
          if (!kind) return [];
          const name = typeof block.annotations.name === 'string' ? block.annotations.name : null;
          return [{ kind, docId: doc.id, name, lang: block.lang, source: block.source, firstLine: (block.line ?? 0) + 1 }];
        }),
      );
      library = buildContractLibrary(declarations);
      this.libraries.set(set, library);
    }
    return library;
  }

  private fencedBlocks(doc: DocRecord): FencedBlock[] {
    let blocks = this.extracted.get(doc);
    if (!blocks) {
      blocks = extractFencedBlocks(doc.id, doc.body, doc.bodyStartLine);
      this.extracted.set(doc, blocks);
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
    const classified = this.classifySource(block, variables, this.libraryOfBlock.get(block) ?? EMPTY_LIBRARY);
    if (!classified.runnable) return { ok: false, reason: classified.reason };
    return { ok: true, steps: classified.steps, variables: Object.fromEntries(block.variables.map((v) => [v.name, variables[v.name] ?? v.default])) };
  }

  private classify(doc: DocRecord, block: FencedBlock, library: ContractLibrary): ProcedureBlock {
    const systemName = typeof doc.frontmatter.system === 'string' ? doc.frontmatter.system : null;
    const system = systemName ? (this.systems.systems.get(systemName) ?? null) : null;
    const timeoutSeconds = parseTimeout(block.annotations.timeout) ?? this.systems.runs.timeout_seconds;
    const declared = declaredBlockKind(block.annotations);
    const kind: ProcedureBlock['kind'] = declared ?? (isCheckBlock(block.lang, block.annotations) ? 'check' : 'procedure');
    const isCheck = kind === 'check' || (kind === 'procedure' && isMarkedCheck(block.annotations));
    const base = { ...block, kind, isCheck, system, steps: [], variables: [], timeoutSeconds };
    const manual = (reason: string): ProcedureBlock => ({ ...base, runnable: false, reason });
    if (block.problem) return manual(block.problem);
    if (declared) return { ...base, runnable: false, reason: declarationProblem(library, doc.id, declared, block) };
    if (block.annotations.timeout !== undefined && parseTimeout(block.annotations.timeout) === null) {
      return manual(`timeout=${String(block.annotations.timeout)} is not a duration; write timeout=90 (seconds), timeout=90s or timeout=5m`);
    }
    if (systemName && !system) {
      return manual(`the doc's system '${systemName}' is not configured; add it under systems: in ${this.systems.source ?? 'runbook-live.yaml'}`);
    }
    const classified = this.classifySource(base, system ? variableDefaults(system) : {}, library);
    if (!classified.runnable) return manual(classified.reason);
    if (!system && classified.steps.some((step) => step.kind === 'build')) {
      return manual("docker build needs a build context; give the doc a system: that is configured with a dir");
    }
    const used = new Set(classified.variablesUsed);
    const variables = (system?.variables ?? []).filter((v) => used.has(v.name));
    return { ...base, runnable: true, reason: null, steps: classified.steps, variables };
  }

  private classifySource(
    block: Pick<ProcedureBlock, 'kind' | 'lang' | 'source' | 'line' | 'system'>,
    variables: Record<string, string>,
    library: ContractLibrary,
  ): { runnable: true; steps: ExecutableStep[]; variablesUsed: string[] } | { runnable: false; reason: string } {
    if (block.kind === 'check') return classifyCheckBlock(block.lang, block.source, (block.line ?? 0) + 1, variables, library);
    // Compose files are read here, from the system's folder, and again whenever a run is prepared.
    const systemDir = block.system?.dir ?? null;
    const classified = classifyBlock({ lang: block.lang, source: block.source, variables, systemDir });
    return classified.runnable ? { runnable: true, steps: classified.steps, variablesUsed: variablesUsed(block.source, systemDir) } : classified;
  }
}

/** Why a fixture or schema block cannot be cited, or null when it can. */
function declarationProblem(library: ContractLibrary, docId: string, kind: 'fixture' | 'schema', block: FencedBlock): string | null {
  const name = typeof block.annotations.name === 'string' ? block.annotations.name : null;
  const firstLine = (block.line ?? 0) + 1;
  const unnamed = library.unnamed.find((u) => u.docId === docId && u.kind === kind && u.firstLine === firstLine);
  if (unnamed) return unnamed.reason;
  const declared = name ? (kind === 'fixture' ? library.fixtures : library.schemas).get(`${docId}#${name}`) : undefined;
  return declared && !declared.ok ? declared.reason : null;
}

/** `90`, `90s`, `5m` or `1h` as seconds; null when it is none of those. */
export function parseTimeout(value: string | boolean | undefined): number | null {
  if (value === undefined || typeof value === 'boolean') return null;
  const match = /^(\d+)(s|m|h)?$/.exec(value.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'] ?? 1);
  return seconds > 0 ? seconds : null;
}
