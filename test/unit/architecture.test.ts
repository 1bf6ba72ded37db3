import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { domainGraph, findCycle, importStatements, layerViolations, reachableFiles, readAll, sourceFiles } from '../support/import-graph.ts';
import { systemVocabulary, vocabularyUses } from '../support/system-vocabulary.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LIB = path.join(ROOT, 'src/lib');
const { layers } = JSON.parse(readFileSync(path.join(LIB, 'layers.json'), 'utf8')) as { layers: string[] };
const files = sourceFiles(LIB).filter((file) => file.endsWith('.ts'));
const libSources = readAll(files);
const edgeSources = readAll(['src/pages', 'src/components', 'src/layouts', 'src/cli', 'src/scripts'].flatMap((dir) => sourceFiles(path.join(ROOT, dir))).concat(path.join(ROOT, 'src/middleware.ts')));
const domains = readdirSync(LIB, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

describe('architecture', () => {
  it('declares every src/lib domain once, in layers.json and in the README drawing', () => {
    expect([...domains].sort()).toEqual([...layers].sort());
    const readme = readFileSync(path.join(LIB, 'README.md'), 'utf8');
    const drawn = [...readme.matchAll(/^\s*\d+\.\s+`([a-z-]+)\/`/gm)].map((m) => m[1]);
    expect(drawn).toEqual([...layers].reverse());
  });

  it('gives every domain an index.ts as its public face', () => {
    expect(domains.filter((domain) => !existsSync(path.join(LIB, domain, 'index.ts')))).toEqual([]);
  });

  it('imports only downward, and only through index.ts, in src/lib and from the pages and the CLI', () => {
    const violations = [...layerViolations(libSources, LIB, layers, ROOT), ...layerViolations(edgeSources, LIB, layers, ROOT)];
    expect(violations.map((v) => v.message)).toEqual([]);
  });

  it('has no cycle in the folder-level import graph', () => {
    expect(findCycle(domainGraph(libSources, LIB))).toBeNull();
  });

  it('fails a planted upward import with the file, the import and the rule', () => {
    const planted = new Map(libSources);
    const file = path.join(LIB, 'docs/planted.ts');
    planted.set(file, "import { RunService } from '../runs/index.ts';\nexport const x = RunService;\n");
    const found = layerViolations(planted, LIB, layers, ROOT).filter((v) => v.file === 'src/lib/docs/planted.ts');
    expect(found).toEqual([
      expect.objectContaining({
        rule: 'downward-only',
        specifier: '../runs/index.ts',
        message: expect.stringMatching(/^src\/lib\/docs\/planted\.ts imports '\.\.\/runs\/index\.ts': docs \(layer \d+\) may not import runs \(layer \d+\), because imports go only downward/),
      }),
    ]);
    expect(findCycle(domainGraph(new Map([...planted, [path.join(LIB, 'runs/x.ts'), "import '../docs/index.ts';"]]), LIB))).not.toBeNull();
  });

  it('fails an import that reaches past a public face, and names the index to use', () => {
    const planted = new Map([[path.join(ROOT, 'src/pages/planted.astro'), "---\nimport { docHref } from '../lib/docs/doc-href.ts';\n---\n"]]);
    expect(layerViolations(planted, LIB, layers, ROOT).map((v) => [v.rule, v.message])).toEqual([
      ['public-face', "src/pages/planted.astro imports '../lib/docs/doc-href.ts', inside src/lib/docs: other domains import only its public face. Import from '../lib/docs/index.ts' and export what is needed there."],
    ]);
  });

  it('lets page scripts take only types from index.ts, and values only from browser.ts faces that import no package', () => {
    const scripts = sourceFiles(path.join(ROOT, 'src/scripts'));
    const untyped = scripts.flatMap((file) =>
      importStatements(readFileSync(file, 'utf8'))
        .filter((statement) => statement.specifier.includes('/lib/') && statement.specifier.endsWith('/index.ts') && !statement.typeOnly)
        .map((statement) => `${path.relative(ROOT, file)} imports values from '${statement.specifier}'; import types from it with 'import type', and values from that domain's browser.ts`),
    );
    expect(untyped).toEqual([]);
    const faces = domains.map((domain) => path.join(LIB, domain, 'browser.ts')).filter((file) => existsSync(file));
    expect(faces.length).toBeGreaterThan(0);
    const heavy = faces.flatMap((face) =>
      reachableFiles(face, (file) => readFileSync(file, 'utf8')).flatMap((file) =>
        importStatements(readFileSync(file, 'utf8'))
          .filter((statement) => !statement.specifier.startsWith('.') && !statement.typeOnly)
          .map((statement) => `${path.relative(ROOT, face)} reaches ${path.relative(ROOT, file)}, which imports '${statement.specifier}': a browser face must stay free of packages and Node modules`),
      ),
    );
    expect(heavy).toEqual([]);
  });

  it('keeps src/lib plain TypeScript: no astro imports', () => {
    const offenders = files.filter((file) => /from ['"]astro(:|\/|['"])/.test(libSources.get(file)!));
    expect(offenders.map((f) => path.relative(LIB, f))).toEqual([]);
  });

  it('keeps dockerode behind src/lib/docker and gray-matter behind the frontmatter parser', () => {
    const importing = (pkg: string) => files.filter((file) => new RegExp(`from ['"]${pkg}['"]`).test(libSources.get(file)!)).map((f) => path.relative(LIB, f));
    expect(importing('dockerode').every((file) => file.startsWith('docker/'))).toBe(true);
    expect(importing('gray-matter')).toEqual(['docs/parse-frontmatter.ts']);
  });

  it('never reaches for a shell: one file starts child processes (git), with execFile and argument arrays only', () => {
    const offenders = files.filter((file) => /from ['"](node:)?child_process['"]|require\(['"](node:)?child_process['"]\)|import\(['"](node:)?child_process['"]\)/.test(libSources.get(file)!));
    expect(offenders.map((f) => path.relative(LIB, f))).toEqual(['docs/git-command.ts']);
    const runner = libSources.get(path.join(LIB, 'docs/git-command.ts'))!;
    expect(runner.match(/^import .* from 'node:child_process';$/gm)).toEqual([expect.stringMatching(/^import \{ execFile(, type \w+)* \} from 'node:child_process';$/)]);
    expect(runner).not.toMatch(/\bshell\s*:|\b(exec|execSync|execFileSync|spawn|spawnSync|fork)\s*\(/);
  });

  it('keeps every file under the 350-line ceiling', () => {
    const long = files.filter((file) => libSources.get(file)!.split('\n').length > 350).map((f) => path.relative(LIB, f));
    expect(long).toEqual([]);
  });

  it('names no system in src/lib: none of the vocabulary the shipped docs declare for their system', () => {
    const vocabulary = systemVocabulary(path.join(ROOT, 'content'));
    // The list is read from the docs; make sure it found the shipped system's words at all.
    for (const word of ['skriptoteket', 'SKRIPTOTEKET_', 'SKRIPTOTEKET_MEMORY_PATH', 'memory.json', 'manifest.json', 'runner-result', 'runner-result-v2', 'runner-work', '/work']) {
      expect(vocabulary).toContain(word);
    }
    // The second system of the engine tests (test/fixtures/systems/greeter) must not leak in either.
    const greeter = systemVocabulary(path.join(ROOT, 'test/fixtures/systems/greeter/docs'));
    expect(greeter).toEqual(expect.arrayContaining(['greeter', 'GREETER_', 'settings.json', 'pages.json', '/srv/greeter', 'effective-config', 'greeter-site']));
    // `manifest` is the runner's word for its list of uploads; the product has no such notion.
    const words = [...vocabulary, ...greeter, 'manifest'];
    const everything = readAll(sourceFiles(LIB));
    expect(vocabularyUses(everything, words, ROOT)).toEqual([]);
  });

  it('finds a system word planted in src/lib, with its file and line', () => {
    const planted = new Map([[path.join(LIB, 'checks/planted.ts'), "// generic\nconst path = '/work/memory.json';\n"]]);
    expect(vocabularyUses(planted, ['memory.json', '/work', 'SKRIPTOTEKET_'], ROOT)).toEqual(['src/lib/checks/planted.ts:2: memory.json', 'src/lib/checks/planted.ts:2: /work']);
  });
});
