import { describe, expect, it } from 'vitest';
import { fixtureSpecSchema } from '../../../src/lib/checks/check-spec-schema.ts';
import { buildContractLibrary, type ContractLibrary } from '../../../src/lib/checks/declared-blocks.ts';
import { expansionProblems } from '../../../src/lib/checks/file-expansions.ts';
import { mergeLayouts } from '../../../src/lib/checks/merge-fixtures.ts';
import { parseCheckSpec } from '../../../src/lib/checks/parse-check-spec.ts';
import { readBackPath, resolveCheck, type ResolvedCheckResult } from '../../../src/lib/checks/resolve-check.ts';

const LAYOUT = `volumes: [{ path: /data, fresh: true }]
files:
  - { path: /data/in/, directory: true }
  - { path: /data/config.json, json: { level: info } }
  - path: /data/in/index.json
    json: { files: { $each_file: { under: /data/in/, as: $name } } }
env: { APP_DATA: /data, APP_LEVEL: info }
hardening: { user: "1000", read_only: true, network: none }
`;

const SECRETS = `files:
  - { path: /run/secret, content: s3cret, mode: "0400" }
env: { APP_SECRET: /run/secret }
`;

function library(): ContractLibrary {
  return buildContractLibrary([
    { kind: 'fixture', docId: 'REF-app', name: 'layout', lang: 'yaml', source: LAYOUT, firstLine: 10 },
    { kind: 'fixture', docId: 'REF-app', name: 'secrets', lang: 'yaml', source: SECRETS, firstLine: 30 },
    { kind: 'fixture', docId: 'REF-app', name: 'broken', lang: 'yaml', source: 'files: 3\n', firstLine: 50 },
    { kind: 'schema', docId: 'REF-app', name: 'config', lang: 'json', source: '{ "type": "object", "properties": { "level": { "enum": ["info", "debug"] } } }', firstLine: 60 },
    { kind: 'schema', docId: 'REF-app', name: 'broken-schema', lang: 'json', source: '{ "type": 3 }', firstLine: 70 },
  ]);
}

function resolve(source: string): ResolvedCheckResult {
  const parsed = parseCheckSpec(source, 1);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return resolveCheck(parsed.spec, library());
}

function resolved(source: string) {
  const result = resolve(source);
  if (!result.ok) throw new Error(result.reason);
  return result.check;
}

const fixture = (source: object) => fixtureSpecSchema.parse(source);

describe('mergeLayouts: the merge rules', () => {
  it('replaces a file at the same path in its place, and appends new paths in order', () => {
    const merged = mergeLayouts([
      fixture({ files: [{ path: '/a', content: 'fixture a' }, { path: '/b', content: 'fixture b' }] }),
      fixture({ files: [{ path: '/c', content: 'check c' }, { path: '/a', content: 'check a' }] }),
    ]);
    expect(merged.files).toEqual([
      { path: '/a', content: 'check a' },
      { path: '/b', content: 'fixture b' },
      { path: '/c', content: 'check c' },
    ]);
  });

  it('treats a folder with and without its trailing slash as one path', () => {
    const merged = mergeLayouts([fixture({ files: [{ path: '/data/in/', directory: true }] }), fixture({ files: [{ path: '/data/in', directory: true, mode: '0700' }] })]);
    expect(merged.files).toEqual([{ path: '/data/in', directory: true, mode: '0700' }]);
  });

  it('lets a later env value and hardening key win, keeping the rest', () => {
    const merged = mergeLayouts([
      fixture({ env: { A: 'fixture', B: 'fixture' }, hardening: { user: '1000', read_only: true, cap_drop: ['ALL'] } }),
      fixture({ env: { B: 'check', C: 'check' }, hardening: { user: '2000' } }),
    ]);
    expect(merged.env).toEqual({ A: 'fixture', B: 'check', C: 'check' });
    expect(merged.hardening).toEqual({ user: '2000', read_only: true, cap_drop: ['ALL'] });
  });

  it('keeps one volume per path', () => {
    const merged = mergeLayouts([fixture({ volumes: [{ path: '/data', fresh: true }] }), fixture({ volumes: [{ path: '/data/', fresh: true }, { path: '/cache', fresh: true }] })]);
    expect(merged.volumes.map((v) => v.path)).toEqual(['/data/', '/cache']);
  });
});

describe('resolveCheck: use:', () => {
  it('starts from the fixture and adds the check own files and env over it', () => {
    const check = resolved(`use: REF-app#layout
image: app
env: { APP_LEVEL: debug }
files:
  - { path: /data/in/a.txt, content: a }
  - { path: /data/config.json, json: { level: debug } }
expect: [{ exit_code: 0 }]
`);
    expect(check.fixtures).toEqual(['REF-app#layout']);
    expect(check.volumes).toEqual([{ path: '/data', fresh: true }]);
    expect(check.files.map((f) => f.path)).toEqual(['/data/in/', '/data/config.json', '/data/in/index.json', '/data/in/a.txt']);
    expect(check.files[1]).toEqual({ path: '/data/config.json', json: { level: 'debug' } });
    expect(check.env).toEqual({ APP_DATA: '/data', APP_LEVEL: 'debug' });
    expect(check.hardening).toEqual({ user: '1000', read_only: true, network: 'none', cap_drop: [], no_new_privileges: false, tmpfs: [] });
  });

  it('applies several fixtures in order, the check last', () => {
    const check = resolved('use: [REF-app#layout, REF-app#secrets]\nimage: app\nenv: { APP_SECRET: /elsewhere }\nexpect: [{ exit_code: 0 }]\n');
    expect(check.files.map((f) => f.path)).toEqual(['/data/in/', '/data/config.json', '/data/in/index.json', '/run/secret']);
    expect(check.env).toEqual({ APP_DATA: '/data', APP_LEVEL: 'info', APP_SECRET: '/elsewhere' });
  });

  it('refuses a fixture no doc declares, listing the declared ones', () => {
    expect(resolve('use: REF-app#layot\nimage: app\nexpect: [{ exit_code: 0 }]\n')).toEqual({
      ok: false,
      reason: 'use: REF-app#layot: no fixture block named layot in REF-app; declare it there as ```yaml { fixture name=layot } (declared fixtures: REF-app#layout, REF-app#secrets, REF-app#broken)',
    });
  });

  it('refuses a broken fixture with the fixture block own reason', () => {
    expect(resolve('use: REF-app#broken\nimage: app\nexpect: [{ exit_code: 0 }]\n')).toEqual({
      ok: false,
      reason: 'use: REF-app#broken cannot be used: the fixture is invalid: line 50, files: Invalid input: expected array, received number',
    });
  });
});

describe('resolveCheck: schema:', () => {
  it('finds the compiled schema by the reference the assertion cites', () => {
    const check = resolved('image: app\nvolumes: [{ path: /data, fresh: true }]\nexpect:\n  - { file: config.json, schema: REF-app#config }\n');
    expect([...check.schemas.keys()]).toEqual(['REF-app#config']);
    expect(check.schemas.get('REF-app#config')!.validate({ level: 'loud' })).toEqual([{ pointer: '/level', expected: 'one of "info", "debug"', actual: '"loud"' }]);
  });

  it('refuses a missing schema and a broken one, each with its reason', () => {
    expect(resolve('image: app\nexpect:\n  - { file: /x.json, schema: REF-app#nope }\n  - { file: /y.json, schema: REF-app#broken-schema }\n')).toEqual({
      ok: false,
      reason:
        'expect.0.schema: REF-app#nope: no schema block named nope in REF-app; declare it there as ```json { schema name=nope } (declared schemas: REF-app#config, REF-app#broken-schema); ' +
        'expect.1.schema: REF-app#broken-schema cannot be used: not a valid JSON Schema: schema is invalid: data/type must be equal to one of the allowed values, data/type must be array, data/type must match a schema in anyOf',
    });
  });
});

describe('resolveCheck: paths read back', () => {
  it('reads a relative file under the first volume, an absolute one where it is', () => {
    expect(readBackPath('out/report.txt', [{ path: '/data/', fresh: true }])).toBe('/data/out/report.txt');
    expect(readBackPath('/etc/app.conf', [{ path: '/data', fresh: true }])).toBe('/etc/app.conf');
  });

  it('refuses a relative file when the check mounts no volume', () => {
    expect(resolve('image: app\nexpect:\n  - { file: out.txt, exists: true }\n')).toEqual({
      ok: false,
      reason: 'expect.0.file: out.txt is relative to the first volume, but the check mounts none; write an absolute path or add volumes: [{ path: /data, fresh: true }]',
    });
  });
});

describe('expansionProblems', () => {
  it('finds nothing in values without $each_file, and accepts a well-formed one', () => {
    expect(expansionProblems({ a: [1, { b: 'c' }] }, 'files /x: json')).toEqual([]);
    expect(expansionProblems({ files: { $each_file: { under: '/in/', as: { name: '$name' } } } }, 'files /x: json')).toEqual([]);
  });

  it('names each problem with the file and the place in its value', () => {
    expect(expansionProblems({ list: [{ $each_file: { under: 'in', extra: 1 }, other: 2 }] }, 'files /x: json')).toEqual([
      'files /x: json.list.0: $each_file must be the only key of its object; it is replaced by a list',
      'files /x: json.list.0.$each_file.under: an absolute folder in the container, like /data/in/; got "in"',
      'files /x: json.list.0.$each_file.as: give the item to write per file, using $name, $path, $relative, $bytes',
      'files /x: json.list.0.$each_file.extra: unknown key; $each_file takes under and as',
    ]);
    expect(expansionProblems({ $each_file: '/in/' }, 'files /x: yaml')).toEqual(['files /x: yaml.$each_file: write { under: /folder/, as: { name: $name, bytes: $bytes } }']);
  });

  it('refuses a check whose merged files hold a malformed expansion', () => {
    expect(resolve('image: app\nfiles:\n  - { path: /x.json, json: { $each_file: { as: $name } } }\nexpect: [{ exit_code: 0 }]\n')).toEqual({
      ok: false,
      reason: 'files /x.json: json.$each_file.under: an absolute folder in the container, like /data/in/; got nothing',
    });
  });
});
