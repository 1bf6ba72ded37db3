import { describe, expect, it } from 'vitest';
import { buildContractLibrary, declaredBlockKind, type DeclaredBlockSource } from '../../../src/lib/checks/declared-blocks.ts';

const schemaBlock = (source: string, overrides: Partial<DeclaredBlockSource> = {}): DeclaredBlockSource => ({
  kind: 'schema',
  docId: 'REF-app',
  name: 'result',
  lang: 'json',
  source,
  firstLine: 30,
  ...overrides,
});

const fixtureBlock = (source: string, overrides: Partial<DeclaredBlockSource> = {}): DeclaredBlockSource => ({
  kind: 'fixture',
  docId: 'REF-app',
  name: 'layout',
  lang: 'yaml',
  source,
  firstLine: 10,
  ...overrides,
});

function reasonOf(block: DeclaredBlockSource): string {
  const library = buildContractLibrary([block]);
  const declared = (block.kind === 'schema' ? library.schemas : library.fixtures).get(`${block.docId}#${block.name}`);
  if (!declared) throw new Error(`nothing declared as ${block.docId}#${block.name}`);
  if (declared.ok) throw new Error(`expected ${block.docId}#${block.name} to be broken`);
  return declared.reason;
}

describe('declaredBlockKind', () => {
  it('reads the fixture and schema marks, and nothing else', () => {
    expect(declaredBlockKind({ fixture: true, name: 'layout' })).toBe('fixture');
    expect(declaredBlockKind({ schema: 'true', name: 'result' })).toBe('schema');
    expect(declaredBlockKind({ check: true })).toBeNull();
    expect(declaredBlockKind({ schema: 'maybe' })).toBeNull();
  });
});

describe('schema blocks', () => {
  it('compiles a draft 2020-12 schema, citable as doc#name, that validates values', () => {
    const library = buildContractLibrary([schemaBlock('{ "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["port"] }')]);
    const declared = library.schemas.get('REF-app#result');
    expect(declared).toMatchObject({ ok: true, ref: 'REF-app#result', docId: 'REF-app', name: 'result' });
    if (!declared?.ok) throw new Error('not compiled');
    expect(declared.check.validate({ port: 1 })).toEqual([]);
    expect(declared.check.validate({})).toEqual([{ pointer: '/port', expected: 'a required property', actual: 'missing' }]);
  });

  it('uses draft 2020-12 keywords: prefixItems and $defs', () => {
    const library = buildContractLibrary([schemaBlock('{ "$defs": { "n": { "type": "integer" } }, "type": "array", "prefixItems": [{ "$ref": "#/$defs/n" }] }')]);
    const declared = library.schemas.get('REF-app#result');
    if (!declared?.ok) throw new Error(declared?.ok === false ? declared.reason : 'missing');
    expect(declared.check.validate([1, 'x'])).toEqual([]);
    expect(declared.check.validate(['x'])).toEqual([{ pointer: '/0', expected: 'type integer', actual: 'string "x"' }]);
  });

  it('is broken when the JSON does not parse, saying where the block starts', () => {
    expect(reasonOf(schemaBlock('{ "type": "object", }'))).toMatch(/^the schema is not valid JSON \(block from line 30\): /);
  });

  it('is broken when it is not a valid schema: a misspelt keyword, a wrong type name, not an object', () => {
    expect(reasonOf(schemaBlock('{ "tpye": "object" }'))).toBe('not a valid JSON Schema: strict mode: unknown keyword: "tpye"');
    expect(reasonOf(schemaBlock('{ "type": "objekt" }'))).toMatch(/^not a valid JSON Schema: schema is invalid: data\/type must be equal to one of the allowed values/);
    expect(reasonOf(schemaBlock('[1, 2]'))).toBe('a JSON Schema must be an object, like { "type": "object" }');
  });

  it('is broken when it names another draft, or is not written as JSON', () => {
    expect(reasonOf(schemaBlock('{ "$schema": "http://json-schema.org/draft-07/schema#" }'))).toBe(
      '$schema is "http://json-schema.org/draft-07/schema#"; only draft 2020-12 is supported: write "https://json-schema.org/draft/2020-12/schema" or leave $schema out',
    );
    expect(reasonOf(schemaBlock('type: object\n', { lang: 'yaml' }))).toBe('a schema block must be JSON; write it as ```json { schema name=result }, not yaml');
  });
});

describe('fixture blocks', () => {
  it('parses files, volumes, env and hardening', () => {
    const library = buildContractLibrary([
      fixtureBlock('volumes: [{ path: /data, fresh: true }]\nfiles:\n  - { path: /data/in/, directory: true }\nenv: { APP_DATA: /data }\nhardening: { read_only: true }\n'),
    ]);
    expect(library.fixtures.get('REF-app#layout')).toMatchObject({
      ok: true,
      fixture: { volumes: [{ path: '/data', fresh: true }], files: [{ path: '/data/in/', directory: true }], env: { APP_DATA: '/data' }, hardening: { read_only: true } },
    });
  });

  it('is broken when it does not validate, naming the field and its doc line', () => {
    expect(reasonOf(fixtureBlock('volumes: [{ path: /data, fresh: true }]\nfiles:\n  - { path: data/x, content: a }\n'))).toBe(
      'the fixture is invalid: line 12, files.0.path: an absolute path in the container without .., like /data/config.json',
    );
    expect(reasonOf(fixtureBlock('image: app\n'))).toBe('the fixture is invalid: line 10, image: Unrecognized key: "image"');
    expect(reasonOf(fixtureBlock('{}', { lang: 'json' }))).toBe('a fixture block must be YAML; write it as ```yaml { fixture name=layout }, not json');
  });
});

describe('declarations that cannot be cited', () => {
  it('lists a block without a name, and the second of two with one name', () => {
    const library = buildContractLibrary([
      schemaBlock('{}', { name: null, firstLine: 3 }),
      schemaBlock('{}'),
      fixtureBlock('{}', { name: 'result', firstLine: 44 }),
    ]);
    expect(library.unnamed).toEqual([
      { docId: 'REF-app', kind: 'schema', firstLine: 3, reason: 'a schema block needs a name to be cited; write it as ```json { schema name=… }' },
      { docId: 'REF-app', kind: 'fixture', firstLine: 44, reason: 'REF-app#result is declared twice; block names must be unique within a doc' },
    ]);
    expect([...library.schemas.keys()]).toEqual(['REF-app#result']);
    expect([...library.fixtures.keys()]).toEqual([]);
  });
});
