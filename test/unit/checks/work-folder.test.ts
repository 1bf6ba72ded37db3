import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSpecSchema, type CheckSpec } from '../../../src/lib/checks/check-spec-schema.ts';
import { buildWorkFolder, CheckScriptError, ownerOf, WORK } from '../../../src/lib/checks/work-folder.ts';

interface TarEntry {
  name: string;
  type: string | null | undefined;
  uid: number | undefined;
  gid: number | undefined;
  mode: number | undefined;
  content: Buffer;
}

/** Every entry of a tar, in order, with its content. */
async function readTar(tar: Buffer): Promise<TarEntry[]> {
  const extract = tarStream.extract();
  Readable.from([tar]).pipe(extract);
  const entries: TarEntry[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const { name, type, uid, gid, mode } = entry.header;
    entries.push({ name, type, uid, gid, mode, content: Buffer.concat(chunks) });
  }
  return entries;
}

/** A spec as the parser would hand it over, defaults filled. */
function spec(files: unknown): CheckSpec {
  return checkSpecSchema.parse({ image: 'runner', files, expect: [{ exit_code: 0 }] });
}

const SCRIPT = 'def run_tool(input_dir, output_dir):\n    return {"outputs": []}\n';

describe('buildWorkFolder', () => {
  const full = spec({
    script: { inline: SCRIPT },
    memory: { settings: { greeting: 'hej', ticks: 3 } },
    inputs: [
      { name: 'grades.csv', content: 'name,grade\nAda,A\nBo,B\n' },
      { name: 'notes.txt', content: 'åäö\n' },
    ],
  });

  it('packs the folders, script, memory, inputs and manifest in that order', async () => {
    const folder = await buildWorkFolder(full, null, ownerOf('10001'));
    const entries = await readTar(folder.tar);
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['input', 'directory'],
      ['output', 'directory'],
      ['script.py', 'file'],
      ['memory.json', 'file'],
      ['input/grades.csv', 'file'],
      ['input/notes.txt', 'file'],
      ['input/manifest.json', 'file'],
    ]);
  });

  it('owns every entry by the uid the container runs as', async () => {
    const entries = await readTar((await buildWorkFolder(full, null, ownerOf('10001'))).tar);
    for (const entry of entries) expect([entry.name, entry.uid, entry.gid]).toEqual([entry.name, 10001, 10001]);
    expect(entries.filter((e) => e.type === 'directory').map((e) => e.mode)).toEqual([0o755, 0o755]);
    expect(entries.filter((e) => e.type === 'file').every((e) => e.mode === 0o644)).toBe(true);

    const grouped = await readTar((await buildWorkFolder(full, null, ownerOf('10001:20'))).tar);
    expect(new Set(grouped.map((e) => `${e.uid}:${e.gid}`))).toEqual(new Set(['10001:20']));
  });

  it('writes the script, memory and inputs byte for byte', async () => {
    const entries = await readTar((await buildWorkFolder(full, null, ownerOf('10001'))).tar);
    const content = (name: string) => entries.find((e) => e.name === name)!.content;
    expect(content('script.py').toString('utf8')).toBe(SCRIPT);
    expect(content('memory.json').toString('utf8')).toBe('{\n  "settings": {\n    "greeting": "hej",\n    "ticks": 3\n  }\n}\n');
    expect(content('input/grades.csv').toString('utf8')).toBe('name,grade\nAda,A\nBo,B\n');
    expect(content('input/notes.txt')).toEqual(Buffer.from([0xc3, 0xa5, 0xc3, 0xa4, 0xc3, 0xb6, 0x0a]));
  });

  it('lists every input in the manifest with its /work path and size in bytes, not characters', async () => {
    const folder = await buildWorkFolder(full, null, ownerOf('10001'));
    const expected = {
      files: [
        { name: 'grades.csv', path: '/work/input/grades.csv', bytes: 22 },
        { name: 'notes.txt', path: '/work/input/notes.txt', bytes: 7 },
      ],
    };
    expect(folder.manifest).toEqual(expected);
    const entries = await readTar(folder.tar);
    const written = entries.find((e) => e.name === 'input/manifest.json')!.content.toString('utf8');
    expect(written).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    expect(JSON.parse(written)).toEqual(expected);
    // The sizes agree with what was packed.
    for (const file of expected.files) expect(entries.find((e) => e.name === `input/${file.name}`)!.content.length).toBe(file.bytes);
  });

  it('derives the six SKRIPTOTEKET_* variables from the contract paths', async () => {
    const folder = await buildWorkFolder(full, null, ownerOf('10001'));
    expect(folder.env).toEqual({
      SKRIPTOTEKET_SCRIPT_PATH: '/work/script.py',
      SKRIPTOTEKET_INPUT_DIR: '/work/input',
      SKRIPTOTEKET_INPUT_MANIFEST: '/work/input/manifest.json',
      SKRIPTOTEKET_MEMORY_PATH: '/work/memory.json',
      SKRIPTOTEKET_OUTPUT_DIR: '/work/output',
      SKRIPTOTEKET_RESULT_PATH: '/work/result.json',
    });
    expect(WORK.root).toBe('/work');
  });

  it('leaves out script and memory when the check has none, and still writes an empty manifest', async () => {
    const folder = await buildWorkFolder(spec(undefined), null, ownerOf(undefined));
    const entries = await readTar(folder.tar);
    expect(entries.map((e) => e.name)).toEqual(['input', 'output', 'input/manifest.json']);
    expect(entries.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
    expect(entries[2]!.content.toString('utf8')).toBe('{\n  "files": []\n}\n');
    expect(folder.manifest).toEqual({ files: [] });
  });
});

describe('buildWorkFolder: script.path from the system folder', () => {
  let systemDir: string;
  beforeEach(() => {
    systemDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-checks-'));
    mkdirSync(path.join(systemDir, 'tools'));
    writeFileSync(path.join(systemDir, 'tools', 'contract_smoke.py'), SCRIPT);
  });
  afterEach(() => rmSync(systemDir, { recursive: true, force: true }));

  it('reads the script from the system folder', async () => {
    const folder = await buildWorkFolder(spec({ script: { path: 'tools/contract_smoke.py' } }), systemDir, ownerOf('10001'));
    const entries = await readTar(folder.tar);
    expect(entries.find((e) => e.name === 'script.py')!.content.toString('utf8')).toBe(SCRIPT);
  });

  it('refuses a missing script with the path and the folder', async () => {
    const missing = buildWorkFolder(spec({ script: { path: 'tools/nope.py' } }), systemDir, ownerOf('10001'));
    await expect(missing).rejects.toThrow(CheckScriptError);
    await expect(buildWorkFolder(spec({ script: { path: 'tools/nope.py' } }), systemDir, ownerOf('10001'))).rejects.toThrow(
      `script.path tools/nope.py does not exist in ${systemDir}; fix the path in the check`,
    );
  });

  it('refuses a path that leaves the system folder, even one the schema would not let through', async () => {
    // The schema rejects `..` and absolute paths; the work folder checks again on its own.
    const escaping = { ...spec(undefined), files: { inputs: [], script: { path: '../outside.py' } } } as CheckSpec;
    const error = await buildWorkFolder(escaping, systemDir, ownerOf('10001')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckScriptError);
    expect((error as CheckScriptError).code).toBe('CheckScriptInvalid');
    expect((error as Error).message).toBe(`script.path ../outside.py leaves the system folder ${systemDir}`);

    const absolute = { ...escaping, files: { inputs: [], script: { path: '/etc/passwd' } } } as CheckSpec;
    await expect(buildWorkFolder(absolute, systemDir, ownerOf('10001'))).rejects.toThrow(`script.path /etc/passwd leaves the system folder ${systemDir}`);
  });

  it('refuses script.path when the doc has no system folder', async () => {
    await expect(buildWorkFolder(spec({ script: { path: 'tools/contract_smoke.py' } }), null, ownerOf('10001'))).rejects.toThrow(
      'script.path tools/contract_smoke.py needs a system folder; give the doc a configured system:',
    );
  });
});

describe('ownerOf', () => {
  it('reads a numeric uid, using it as the gid too', () => {
    expect(ownerOf('10001')).toEqual({ uid: 10001, gid: 10001, known: true });
    expect(ownerOf(10001)).toEqual({ uid: 10001, gid: 10001, known: true });
  });

  it('reads uid:gid', () => {
    expect(ownerOf('10001:20')).toEqual({ uid: 10001, gid: 20, known: true });
    expect(ownerOf('0:0')).toEqual({ uid: 0, gid: 0, known: true });
  });

  it('marks a name, which only the image can resolve, as unknown; no user is root', () => {
    expect(ownerOf('runner')).toEqual({ uid: 0, gid: 0, known: false });
    expect(ownerOf('runner:runner')).toEqual({ uid: 0, gid: 0, known: false });
    expect(ownerOf(undefined)).toEqual({ uid: 0, gid: 0, known: true });
  });
});

describe('buildWorkFolder for a user given by name', () => {
  it('leaves the work folder writable for whichever uid the name means in the image', async () => {
    const folder = await buildWorkFolder(
      checkSpecSchema.parse({ image: 'x', files: { inputs: [{ name: 'a.txt', content: 'a' }] }, expect: [{ exit_code: 0 }] }),
      null,
      ownerOf('runner'),
    );
    const entries = await readTar(folder.tar);
    expect(entries.find((e) => e.name === 'output')?.mode).toBe(0o777);
    expect(entries.find((e) => e.name === 'input/a.txt')?.mode).toBe(0o666);
  });
});
