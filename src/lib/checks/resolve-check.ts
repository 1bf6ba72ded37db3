import { withHardeningDefaults, type AssertionSpec, type CheckSpec, type Hardening } from './check-spec-schema.ts';
import type { ContractLibrary } from './declared-blocks.ts';
import { expansionProblems } from './file-expansions.ts';
import type { JsonSchemaCheck } from './json-schema-validator.ts';
import { mergeLayouts } from './merge-fixtures.ts';
import type { PlacedFileSpec, VolumeSpec } from './placed-file-schema.ts';

/** A check with its fixtures merged in and its schemas found: everything a run needs. */
export interface ResolvedCheck {
  image: string;
  timeout: string | number;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  hardening: Hardening;
  files: PlacedFileSpec[];
  volumes: VolumeSpec[];
  expect: AssertionSpec[];
  /** The fixtures it was built from, as cited. */
  fixtures: string[];
  /** Compiled schemas by the reference the assertions cite. */
  schemas: Map<string, JsonSchemaCheck>;
}

/** A check ready to run, or why it cannot run. */
export type ResolvedCheckResult = { ok: true; check: ResolvedCheck } | { ok: false; reason: string };

/**
 * Merges a check over the fixtures it uses and finds the schemas it cites. A missing or
 * broken fixture or schema makes the check unable to run, with the block's own reason.
 */
export function resolveCheck(spec: CheckSpec, library: ContractLibrary): ResolvedCheckResult {
  const problems: string[] = [];
  const layers = [];
  for (const ref of spec.use) {
    const fixture = library.fixtures.get(ref);
    if (!fixture) problems.push(`use: ${ref}: ${notDeclared(ref, 'fixture', [...library.fixtures.keys()])}`);
    else if (!fixture.ok) problems.push(`use: ${ref} cannot be used: ${fixture.reason}`);
    else layers.push(fixture.fixture);
  }
  const schemas = new Map<string, JsonSchemaCheck>();
  spec.expect.forEach((assertion, index) => {
    if (assertion.schema === undefined || schemas.has(assertion.schema)) return;
    const declared = library.schemas.get(assertion.schema);
    if (!declared) problems.push(`expect.${index}.schema: ${assertion.schema}: ${notDeclared(assertion.schema, 'schema', [...library.schemas.keys()])}`);
    else if (!declared.ok) problems.push(`expect.${index}.schema: ${assertion.schema} cannot be used: ${declared.reason}`);
    else schemas.set(assertion.schema, declared.check);
  });
  const layout = mergeLayouts([...layers, { files: spec.files, volumes: spec.volumes, env: spec.env, hardening: spec.hardening }]);
  for (const file of layout.files) {
    if (file.json !== undefined) problems.push(...expansionProblems(file.json, `files ${file.path}: json`));
    if (file.yaml !== undefined) problems.push(...expansionProblems(file.yaml, `files ${file.path}: yaml`));
  }
  spec.expect.forEach((assertion, index) => {
    if (assertion.file !== undefined && !assertion.file.startsWith('/') && layout.volumes.length === 0) {
      problems.push(`expect.${index}.file: ${assertion.file} is relative to the first volume, but the check mounts none; write an absolute path or add volumes: [{ path: /data, fresh: true }]`);
    }
  });
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return {
    ok: true,
    check: {
      image: spec.image,
      timeout: spec.timeout,
      ...(spec.command ? { command: spec.command } : {}),
      ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}),
      env: layout.env,
      hardening: withHardeningDefaults(layout.hardening),
      files: layout.files,
      volumes: layout.volumes,
      expect: spec.expect,
      fixtures: spec.use,
      schemas,
    },
  };
}

/** The absolute path an assertion's `file:` reads: relative ones are under the first volume. */
export function readBackPath(file: string, volumes: VolumeSpec[]): string {
  if (file.startsWith('/')) return file;
  const root = volumes[0]?.path ?? '/';
  return `${root.replace(/\/+$/, '')}/${file}`;
}

function notDeclared(ref: string, kind: 'fixture' | 'schema', known: string[]): string {
  const [docId, name] = ref.split('#') as [string, string];
  const fence = kind === 'fixture' ? `\`\`\`yaml { fixture name=${name} }` : `\`\`\`json { schema name=${name} }`;
  const list = known.length > 0 ? `declared ${kind}s: ${known.join(', ')}` : `no doc declares any ${kind}`;
  return `no ${kind} block named ${name} in ${docId}; declare it there as ${fence} (${list})`;
}
