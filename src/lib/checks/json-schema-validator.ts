// ajv is kept behind this file: swapping the validator touches nothing else.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/** One way a value breaks a schema: where (a JSON pointer), what the schema wanted and what was there. */
export interface SchemaFailure {
  pointer: string;
  expected: string;
  actual: string;
}

/** A compiled JSON Schema: judges a value, listing every failure. */
export interface JsonSchemaCheck {
  validate(value: unknown): SchemaFailure[];
}

/** A schema compiled, or why it cannot be used. */
export type CompiledSchema = { ok: true; check: JsonSchemaCheck } | { ok: false; reason: string };

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * Compiles a JSON Schema (draft 2020-12). Unknown keywords and misspelt types are errors
 * (ajv's strictSchema), so a typo is reported on the health page instead of silently
 * passing every file. Ajv's stricter style rules (a `required` key without a `properties`
 * entry, tuples without `minItems`) are off: they reject valid schemas. `format` is an
 * annotation only, as draft 2020-12 makes it by default.
 */
export function compileJsonSchema(schema: unknown): CompiledSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { ok: false, reason: 'a JSON Schema must be an object, like { "type": "object" }' };
  }
  const declared = (schema as { $schema?: unknown }).$schema;
  if (declared !== undefined && declared !== DRAFT_2020_12) {
    return { ok: false, reason: `$schema is ${JSON.stringify(declared)}; only draft 2020-12 is supported: write "${DRAFT_2020_12}" or leave $schema out` };
  }
  // A fresh instance per schema: schemas from different docs may reuse the same $id.
  const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictNumbers: true, strictTypes: false, strictTuples: false, strictRequired: false, validateFormats: false });
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    return { ok: false, reason: `not a valid JSON Schema: ${(error as Error).message}` };
  }
  return {
    ok: true,
    check: {
      validate(value) {
        if (validate(value)) return [];
        return (validate.errors ?? []).map((error) => describeFailure(error, value));
      },
    },
  };
}

/** Formats failures as `pointer: expected …, got …` lines, for a verdict's `actual`. */
export function formatSchemaFailures(failures: SchemaFailure[]): string {
  return failures.map((f) => `${f.pointer || '/'}: expected ${f.expected}, got ${f.actual}`).join('; ');
}

function describeFailure(error: ErrorObject, root: unknown): SchemaFailure {
  const value = valueAtPointer(root, error.instancePath);
  const params = error.params as Record<string, unknown>;
  const shown = show(value);
  switch (error.keyword) {
    case 'required':
      return { pointer: `${error.instancePath}/${escapePointer(String(params.missingProperty))}`, expected: 'a required property', actual: 'missing' };
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      return { pointer: `${error.instancePath}/${escapePointer(extra)}`, expected: 'no such property (additionalProperties is false)', actual: show((value as Record<string, unknown>)[extra]) };
    }
    case 'const':
      return { pointer: error.instancePath, expected: show(params.allowedValue), actual: shown };
    case 'enum':
      return { pointer: error.instancePath, expected: `one of ${(params.allowedValues as unknown[]).map(show).join(', ')}`, actual: shown };
    case 'type':
      return { pointer: error.instancePath, expected: `type ${String(params.type)}`, actual: `${typeName(value)} ${shown}` };
    case 'pattern':
      return { pointer: error.instancePath, expected: `a string matching /${String(params.pattern)}/`, actual: shown };
    default:
      return { pointer: error.instancePath, expected: `${error.message ?? error.keyword} (${error.keyword})`, actual: shown };
  }
}

/** The value a JSON pointer (RFC 6901) points at, or undefined. */
export function valueAtPointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), root);
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return Number.isInteger(value) ? 'integer' : typeof value;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
