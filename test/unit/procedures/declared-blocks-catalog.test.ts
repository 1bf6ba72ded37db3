import { afterEach, describe, expect, it } from 'vitest';
import { toHtml } from 'hast-util-to-html';
import { brokenDeclarations, buildSchemaCitationIndex } from '../../../src/lib/procedures/check-citations.ts';
import { procedureDecorator } from '../../../src/lib/procedures/decorate-blocks.ts';
import { fence, makeDocsWorld, type DocsWorld } from '../../support/fakes/docs-world.ts';

// Fixture and schema blocks declared in one doc, used by a check in another: the catalog
// resolves them across the docs folder, re-resolves when the declaring doc changes, and a
// broken declaration makes the citing check a manual step whose reason says why.

const LAYOUT = fence('yaml { fixture name=layout }', 'volumes: [{ path: /data, fresh: true }]\nfiles:\n  - { path: /data/in/, directory: true }\nenv: { APP_DATA: /data }');
const SCHEMA = fence('json { schema name=config }', '{ "type": "object", "required": ["level"] }');
const CHECK = fence(
  'yaml { check name=smoke }',
  'use: REF-app#layout\nimage: $IMAGE\nfiles:\n  - { path: /data/in/a.txt, content: a }\nexpect:\n  - { file: config.json, schema: REF-app#config, name: the config is valid }\n  - { exit_code: 0 }',
);

let world: DocsWorld;
afterEach(() => world?.cleanup());

describe('fixture and schema blocks in the catalog', () => {
  it('classifies declarations as such, and a check using them as runnable with the merged layout', async () => {
    world = await makeDocsWorld({ smoke: `## Smoke\n\n${CHECK}` }, { app: `## Layout\n\n${LAYOUT}\n## Config\n\n${SCHEMA}` });
    expect(world.block('REF-app/layout')).toMatchObject({ kind: 'fixture', runnable: false, reason: null, isCheck: false });
    expect(world.block('REF-app/config')).toMatchObject({ kind: 'schema', runnable: false, reason: null, isCheck: false });
    const check = world.block('RUN-smoke/smoke');
    expect(check).toMatchObject({ kind: 'check', runnable: true, reason: null });
    const step = check.steps[0]!;
    if (step.kind !== 'check') throw new Error('not a check step');
    expect(step.spec.files.map((f) => f.path)).toEqual(['/data/in/', '/data/in/a.txt']);
    expect(step.spec.env).toEqual({ APP_DATA: '/data' });
    expect([...step.spec.schemas.keys()]).toEqual(['REF-app#config']);
    expect(brokenDeclarations(world.set, world.catalog)).toEqual([]);
  });

  it('makes a check citing a broken schema a manual step with the schema block own reason, and lists the block for the health page', async () => {
    world = await makeDocsWorld({ smoke: `## Smoke\n\n${CHECK}` }, { app: `## Layout\n\n${LAYOUT}\n## Config\n\n${fence('json { schema name=config }', '{ "type": "object", }')}` });
    const schema = world.block('REF-app/config');
    expect(schema.reason).toMatch(/^the schema is not valid JSON \(block from line \d+\): /);
    const check = world.block('RUN-smoke/smoke');
    expect(check.runnable).toBe(false);
    expect(check.reason).toBe(`expect.0.schema: REF-app#config cannot be used: ${schema.reason}`);
    expect(brokenDeclarations(world.set, world.catalog)).toEqual([{ blockId: 'REF-app/config', file: 'reference/ref-app.md', line: schema.line, kind: 'schema', reason: schema.reason }]);
  });

  it('re-resolves a check when only the doc declaring its fixture changes', async () => {
    world = await makeDocsWorld({ smoke: `## Smoke\n\n${CHECK}` }, { app: `## Config\n\n${SCHEMA}` });
    expect(world.block('RUN-smoke/smoke').reason).toMatch(/^use: REF-app#layout: no fixture block named layout in REF-app; /);
    world.writeReference('app', `## Layout\n\n${LAYOUT}\n## Config\n\n${SCHEMA}`);
    await world.reload();
    expect(world.block('RUN-smoke/smoke').runnable).toBe(true);
  });

  it('indexes which checks validate against each schema, with the citing assertions', async () => {
    world = await makeDocsWorld({ smoke: `## Smoke\n\n${CHECK}` }, { app: `## Layout\n\n${LAYOUT}\n## Config\n\n${SCHEMA}` });
    const index = buildSchemaCitationIndex(world.set, world.catalog);
    expect([...index.keys()]).toEqual(['REF-app#config']);
    expect(index.get('REF-app#config')!.map((c) => [c.block.id, c.clauses])).toEqual([['RUN-smoke/smoke', [{ index: 0, label: 'the config is valid', anchor: null }]]]);
  });

  it('renders a declaration as a labelled block with its anchor and how to cite it, and a broken one with its reason', async () => {
    world = await makeDocsWorld({}, { app: `## Layout\n\n${LAYOUT}\n## Config\n\n${fence('json { schema name=config }', '{ "tpye": "object" }')}` });
    const blocks = world.catalog.blocksOf(world.set.byId.get('REF-app')!, world.set);
    const decorate = procedureDecorator(blocks, (text) => ({ text, docId: text, anchor: null, href: null, problem: null }));
    const fixture = decorate({ index: 0, lang: 'yaml', meta: null, source: '', line: null })!;
    expect(fixture.attributes).toMatchObject({ id: 'block-layout', className: ['code-block', 'declaration', 'fixture'] });
    expect(toHtml(fixture.before!)).toContain('<code>use: REF-app#layout</code>');
    const schema = decorate({ index: 1, lang: 'json', meta: null, source: '', line: null })!;
    expect(schema.attributes).toMatchObject({ id: 'block-config', className: ['code-block', 'declaration', 'schema', 'broken'] });
    const html = toHtml(schema.before!);
    expect(html).toContain('<code>schema: REF-app#config</code>');
    expect(html).toContain('href="#validated-by-config"');
    expect(html).toContain('not a valid JSON Schema: strict mode: unknown keyword: "tpye"');
  });
});

describe('a fixture on its doc page', () => {
  it('is followed by its layout in words: each mount, file and variable, and what an expansion lists', async () => {
    const layout = fence(
      'yaml { fixture name=layout }',
      'volumes: [{ path: /data, fresh: true }]\nfiles:\n  - { path: /data/in/, directory: true }\n  - { path: /data/tool.py, from: tools/tool.py, mode: "0755" }\n  - path: /data/in/index.json\n    json: { files: { $each_file: { under: /data/in/, as: $name } } }\nenv: { APP_DATA: /data }',
    );
    world = await makeDocsWorld({}, { app: `## Layout\n\n${layout}` });
    const blocks = world.catalog.blocksOf(world.set.byId.get('REF-app')!, world.set);
    const decorate = procedureDecorator(blocks, (text) => ({ text, docId: text, anchor: null, href: null, problem: null }));
    const html = toHtml(decorate({ index: 0, lang: 'yaml', meta: null, source: '', line: null })!.after!);
    const rows = [...html.matchAll(/<tr><td>([^<]*)<\/td><td><code>([^<]*)<\/code><\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      ['volume', '/data', 'a fresh volume for every run, removed after it'],
      ['folder', '/data/in/', 'an empty folder'],
      ['file', '/data/tool.py', "tools/tool.py from the system's folder, mode 0755"],
      ['file', '/data/in/index.json', 'JSON listing every file placed under /data/in/'],
      ['env', 'APP_DATA', '/data'],
    ]);
  });
});
