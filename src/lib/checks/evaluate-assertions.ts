import { isDeepStrictEqual } from 'node:util';
import type { AssertionSpec } from './check-spec-schema.ts';
import type { AssertionVerdict, CheckObservations, ReadBackFile } from './check-observations.ts';
import { formatSchemaFailures, type JsonSchemaCheck } from './json-schema-validator.ts';
import { assertionLabel } from './assertion-label.ts';
import { judgeFileMetadata } from './file-metadata-assertions.ts';
import { judgeImageAssertion } from './image-assertions.ts';
import { excerpt, skipped, verdict, type Judgement } from './judgement.ts';

/** Compiled schemas by the reference assertions cite (`REF-x#name`). */
export type SchemaLookup = ReadonlyMap<string, JsonSchemaCheck>;

/** Judges every assertion against what the run produced. Pure: no Docker, no clock. */
export function evaluateAssertions(specs: AssertionSpec[], seen: CheckObservations, schemas: SchemaLookup = new Map()): AssertionVerdict[] {
  return specs.map((spec, index) => {
    return { index, label: assertionLabel(spec), ...judge(spec, seen, schemas), because: spec.because ?? null };
  });
}

/** The files a check must read back to judge its assertions, keyed as written. */
export function filesToReadBack(specs: AssertionSpec[]): string[] {
  return [...new Set(specs.flatMap((s) => (s.file ? [s.file] : [])))];
}

function judge(spec: AssertionSpec, seen: CheckObservations, schemas: SchemaLookup): Judgement {
  if (spec.exit_code !== undefined) {
    const actual = seen.timedOut ? `killed after the ${seen.timeoutMs / 1000} s timeout` : seen.exitCode === null ? 'no exit code' : String(seen.exitCode);
    return verdict(seen.exitCode === spec.exit_code && !seen.timedOut, String(spec.exit_code), actual);
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const contains = spec[`${stream}_contains`];
    if (contains !== undefined) return verdict(seen[stream].includes(contains), contains, excerpt(seen[stream]));
    const matches = spec[`${stream}_matches`];
    if (matches !== undefined) return verdict(new RegExp(matches, 'm').test(seen[stream]), `/${matches}/`, excerpt(seen[stream]));
  }
  if (spec.file !== undefined) return judgeFile(spec, spec.file, seen.files.get(spec.file) ?? null, schemas);
  const image = judgeImageAssertion(spec, seen.image);
  if (image) return image;
  return judgeRuntime(spec, seen);
}

function judgeFile(spec: AssertionSpec, path: string, file: ReadBackFile | null, schemas: SchemaLookup): Judgement {
  if (spec.exists !== undefined) {
    return verdict((file !== null) === spec.exists, spec.exists ? 'present' : 'absent', file ? `present, ${file.content.length} bytes` : 'absent');
  }
  // A missing file is its own assertion's failure; checks of its content have nothing to judge.
  if (!file) return skipped(`${path} was not written`);
  const metadata = judgeFileMetadata(spec, file);
  if (metadata) return metadata;
  const text = file.content.toString('utf8');
  if (spec.contains !== undefined) return verdict(text.includes(spec.contains), spec.contains, excerpt(text));
  if (spec.matches !== undefined) return verdict(new RegExp(spec.matches, 'm').test(text), `/${spec.matches}/`, excerpt(text));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return verdict(false, 'valid JSON', `not JSON: ${(error as Error).message}`);
  }
  if (spec.schema !== undefined) {
    const schema = schemas.get(spec.schema);
    // Resolution refuses a check whose schema is missing, so this only happens to a caller that skipped it.
    if (!schema) return skipped(`the schema ${spec.schema} was not found`);
    const failures = schema.validate(data);
    return verdict(failures.length === 0, `matches ${spec.schema}`, failures.length === 0 ? 'matches' : formatSchemaFailures(failures));
  }
  const mismatches = Object.entries(spec.json ?? {}).flatMap(([dotted, expected]) => {
    const actual = valueAt(data, dotted);
    return isDeepStrictEqual(actual, expected) ? [] : [`${dotted} = ${JSON.stringify(actual) ?? 'missing'}`];
  });
  const expected = Object.entries(spec.json ?? {}).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
  return verdict(mismatches.length === 0, expected, mismatches.length === 0 ? expected : mismatches.join(', '));
}

function judgeRuntime(spec: AssertionSpec, seen: CheckObservations): Judgement {
  if (spec.runtime_uid_not_root) {
    const written = [...seen.files.values()].find((f): f is ReadBackFile => f !== null);
    if (!written) return skipped('the run wrote no file to observe its owner');
    return verdict(written.uid !== 0, 'uid ≠ 0', `files written by uid ${written.uid}`);
  }
  const container = seen.container;
  if (!container) return skipped('the container could not be inspected');
  if (spec.runtime_read_only_root) return verdict(container.readOnlyRootfs, 'read-only', container.readOnlyRootfs ? 'read-only' : 'writable');
  if (spec.runtime_network !== undefined) return verdict(container.networkMode === spec.runtime_network, spec.runtime_network, container.networkMode || 'default');
  const capDrop = spec.runtime_cap_drop ?? '';
  const dropped = container.capDrop.map((c) => c.toUpperCase());
  return verdict(dropped.includes(capDrop.toUpperCase()), capDrop, dropped.join(', ') || 'none dropped');
}

function valueAt(data: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}
