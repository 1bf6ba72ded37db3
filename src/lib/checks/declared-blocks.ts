import type { FixtureSpec } from './check-spec-schema.ts';
import { compileJsonSchema, type JsonSchemaCheck } from './json-schema-validator.ts';
import { parseFixtureSpec } from './parse-check-spec.ts';

/** Blocks a doc declares for checks to cite: a reusable layout, or a JSON Schema. */
export type DeclaredBlockKind = 'fixture' | 'schema';

/** A fenced block that declares something, as the block catalog hands it over. */
export interface DeclaredBlockSource {
  kind: DeclaredBlockKind;
  docId: string;
  /** The `name=` annotation; a declaration without one cannot be cited. */
  name: string | null;
  lang: string | null;
  source: string;
  /** The doc line of the block's first content line, for problems inside it. */
  firstLine: number;
}

interface Declared {
  /** How checks cite it: `REF-x#name`. */
  ref: string;
  docId: string;
  name: string;
}

/** A fixture block, parsed, or why it cannot be used. */
export type DeclaredFixture = Declared & ({ ok: true; fixture: FixtureSpec } | { ok: false; reason: string });
/** A schema block, compiled, or why it cannot be used. */
export type DeclaredSchema = Declared & ({ ok: true; schema: unknown; check: JsonSchemaCheck } | { ok: false; reason: string });

/** Every fixture and schema the docs declare, by reference. */
export interface ContractLibrary {
  fixtures: Map<string, DeclaredFixture>;
  schemas: Map<string, DeclaredSchema>;
  /** Declarations that cannot be cited at all (no name, or a name used twice). */
  unnamed: Array<{ docId: string; kind: DeclaredBlockKind; firstLine: number; reason: string }>;
}

/** A library declaring nothing: what checks see without docs. */
export const EMPTY_LIBRARY: ContractLibrary = { fixtures: new Map(), schemas: new Map(), unnamed: [] };

/**
 * What a fence declares: ```yaml { fixture name=… }``` or ```json { schema name=… }```,
 * or null for any other block. The language is checked later, so a fixture written as
 * JSON is reported rather than silently shown as plain code.
 */
export function declaredBlockKind(annotations: Record<string, string | boolean>): DeclaredBlockKind | null {
  const marked = (key: string) => annotations[key] === true || annotations[key] === 'true';
  if (marked('fixture')) return 'fixture';
  if (marked('schema')) return 'schema';
  return null;
}

/** Parses and compiles every declaration; a broken one is kept with its reason, so citing it says why. */
export function buildContractLibrary(blocks: DeclaredBlockSource[]): ContractLibrary {
  const library: ContractLibrary = { fixtures: new Map(), schemas: new Map(), unnamed: [] };
  for (const block of blocks) {
    const fence = block.kind === 'fixture' ? '```yaml { fixture name=… }' : '```json { schema name=… }';
    if (!block.name) {
      library.unnamed.push({ docId: block.docId, kind: block.kind, firstLine: block.firstLine, reason: `a ${block.kind} block needs a name to be cited; write it as ${fence}` });
      continue;
    }
    const ref = `${block.docId}#${block.name}`;
    const into: Map<string, Declared> = block.kind === 'fixture' ? library.fixtures : library.schemas;
    if (into.has(ref) || (block.kind === 'fixture' ? library.schemas : library.fixtures).has(ref)) {
      library.unnamed.push({ docId: block.docId, kind: block.kind, firstLine: block.firstLine, reason: `${ref} is declared twice; block names must be unique within a doc` });
      continue;
    }
    if (block.kind === 'fixture') library.fixtures.set(ref, { ref, docId: block.docId, name: block.name, ...readFixture(block) });
    else library.schemas.set(ref, { ref, docId: block.docId, name: block.name, ...readSchema(block) });
  }
  return library;
}

function readFixture(block: DeclaredBlockSource): { ok: true; fixture: FixtureSpec } | { ok: false; reason: string } {
  if (!['yaml', 'yml'].includes((block.lang ?? '').toLowerCase())) {
    return { ok: false, reason: `a fixture block must be YAML; write it as \`\`\`yaml { fixture name=${block.name} }${block.lang ? `, not ${block.lang}` : ''}` };
  }
  const parsed = parseFixtureSpec(block.source, block.firstLine);
  return parsed.ok ? { ok: true, fixture: parsed.spec } : { ok: false, reason: `the fixture is invalid: ${parsed.errors.join('; ')}` };
}

function readSchema(block: DeclaredBlockSource): { ok: true; schema: unknown; check: JsonSchemaCheck } | { ok: false; reason: string } {
  if ((block.lang ?? '').toLowerCase() !== 'json') {
    return { ok: false, reason: `a schema block must be JSON; write it as \`\`\`json { schema name=${block.name} }${block.lang ? `, not ${block.lang}` : ''}` };
  }
  let schema: unknown;
  try {
    schema = JSON.parse(block.source);
  } catch (error) {
    return { ok: false, reason: `the schema is not valid JSON (block from line ${block.firstLine}): ${(error as Error).message}` };
  }
  const compiled = compileJsonSchema(schema);
  return compiled.ok ? { ok: true, schema, check: compiled.check } : { ok: false, reason: compiled.reason };
}
