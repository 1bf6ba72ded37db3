import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placedFileSchema, type PlacedFileSpec, type VolumeSpec } from '../../../src/lib/checks/placed-file-schema.ts';
import { CheckFileError, ownerOf, placeFiles } from '../../../src/lib/checks/place-files.ts';

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

const files = (...specs: unknown[]): PlacedFileSpec[] => specs.map((spec) => placedFileSchema.parse(spec));
const DATA: VolumeSpec[] = [{ path: '/data', fresh: true }];

describe('placeFiles', () => {
  const layout = files(
    { path: '/data/in/', directory: true },
    { path: '/data/in/a.csv', content: 'x,y\n1,2\n' },
    { path: '/data/in/ö.txt', content: 'åäö\n' },
    { path: '/data/settings.json', json: { greeting: 'hej', ticks: 3 } },
    { path: '/data/config.yaml', yaml: { port: 8080, hosts: ['a', 'b'] } },
    { path: '/data/bin/run.sh', content: '#!/bin/sh\necho hi\n', mode: '0755' },
  );

  it('packs one tar for the volume, with the folders on the way made first, in the order written', async () => {
    const [archive, ...others] = await placeFiles(layout, DATA, null, ownerOf('10001'));
    expect(others).toEqual([]);
    expect(archive!.destination).toBe('/data');
    const entries = await readTar(archive!.tar);
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['in', 'directory'],
      ['in/a.csv', 'file'],
      ['in/ö.txt', 'file'],
      ['settings.json', 'file'],
      ['config.yaml', 'file'],
      ['bin', 'directory'],
      ['bin/run.sh', 'file'],
    ]);
  });

  it('writes text byte for byte, json pretty-printed and yaml as YAML, with the mode asked for', async () => {
    const [archive] = await placeFiles(layout, DATA, null, ownerOf('10001'));
    const entries = await readTar(archive!.tar);
    const entry = (name: string) => entries.find((e) => e.name === name)!;
    expect(entry('in/ö.txt').content).toEqual(Buffer.from([0xc3, 0xa5, 0xc3, 0xa4, 0xc3, 0xb6, 0x0a]));
    expect(entry('settings.json').content.toString()).toBe('{\n  "greeting": "hej",\n  "ticks": 3\n}\n');
    expect(entry('config.yaml').content.toString()).toBe('port: 8080\nhosts:\n  - a\n  - b\n');
    expect(entry('bin/run.sh').mode).toBe(0o755);
    expect(entry('in/a.csv').mode).toBe(0o644);
    expect(entry('in').mode).toBe(0o755);
  });

  it('owns every entry by the uid (and gid) the container runs as', async () => {
    const [archive] = await placeFiles(layout, DATA, null, ownerOf('10001:20'));
    const entries = await readTar(archive!.tar);
    expect(new Set(entries.map((e) => `${e.uid}:${e.gid}`))).toEqual(new Set(['10001:20']));
  });

  it('leaves everything writable for a user given by name, whose uid only the image knows', async () => {
    const [archive] = await placeFiles(layout, DATA, null, ownerOf('app'));
    const entries = await readTar(archive!.tar);
    expect(entries.find((e) => e.name === 'in')?.mode).toBe(0o777);
    expect(entries.find((e) => e.name === 'in/a.csv')?.mode).toBe(0o666);
  });

  it('packs a tar per volume, the deepest one holding each file, and one at / for the rest without touching its folders', async () => {
    const archives = await placeFiles(
      files({ path: '/data/a', content: 'a' }, { path: '/data/cache/b', content: 'b' }, { path: '/etc/app/app.conf', content: 'c' }),
      [...DATA, { path: '/data/cache/', fresh: true }],
      null,
      ownerOf('10001'),
    );
    expect(archives.map((a) => [a.destination, a.paths])).toEqual([
      ['/data', ['/data/a']],
      ['/data/cache', ['/data/cache/b']],
      ['/', ['/etc/app/app.conf']],
    ]);
    expect((await readTar(archives[2]!.tar)).map((e) => e.name)).toEqual(['etc/app/app.conf']);
  });
});

describe('placeFiles: the $each_file expansion', () => {
  it('lists the other files under a folder with name, path and size in bytes, and is written after them', async () => {
    const placed = files(
      {
        path: '/data/in/index.json',
        json: { count_me: true, files: { $each_file: { under: '/data/in', as: { name: '$name', path: '$path', bytes: '$bytes', below: '$relative', kind: 'upload' } } } },
      },
      { path: '/data/in/', directory: true },
      { path: '/data/in/a.csv', content: 'x,y\n' },
      { path: '/data/in/sub/ö.txt', content: 'ö' },
      { path: '/data/other.txt', content: 'not listed' },
    );
    const [archive] = await placeFiles(placed, DATA, null, ownerOf('10001'));
    const entries = await readTar(archive!.tar);
    expect(entries.at(-1)!.name).toBe('in/index.json');
    expect(JSON.parse(entries.at(-1)!.content.toString())).toEqual({
      count_me: true,
      files: [
        { name: 'a.csv', path: '/data/in/a.csv', bytes: 4, below: 'a.csv', kind: 'upload' },
        { name: 'ö.txt', path: '/data/in/sub/ö.txt', bytes: 2, below: 'sub/ö.txt', kind: 'upload' },
      ],
    });
  });

  it('writes an empty list when nothing is placed under the folder, also in YAML', async () => {
    const [archive] = await placeFiles(files({ path: '/data/list.yaml', yaml: { files: { $each_file: { under: '/data/in/', as: '$name' } } } }), DATA, null, ownerOf('0'));
    expect((await readTar(archive!.tar))[0]!.content.toString()).toBe('files: []\n');
  });
});

describe('placeFiles: from, a file in the system folder', () => {
  let systemDir: string;
  beforeEach(() => {
    systemDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-checks-'));
    mkdirSync(path.join(systemDir, 'tools'));
    writeFileSync(path.join(systemDir, 'tools', 'smoke.py'), 'print("hej")\n');
  });
  afterEach(() => rmSync(systemDir, { recursive: true, force: true }));

  it('reads the file from the system folder, and counts it in an expansion', async () => {
    const placed = files({ path: '/data/tool.py', from: 'tools/smoke.py' }, { path: '/data/list.json', json: { $each_file: { under: '/data/', as: '$bytes' } } });
    const [archive] = await placeFiles(placed, DATA, systemDir, ownerOf('10001'));
    const entries = await readTar(archive!.tar);
    expect(entries.map((e) => [e.name, e.content.toString()])).toEqual([
      ['tool.py', 'print("hej")\n'],
      ['list.json', '[\n  13\n]\n'],
    ]);
  });

  it('refuses a missing file, naming the file, the source and the folder', async () => {
    const missing = placeFiles(files({ path: '/data/tool.py', from: 'tools/nope.py' }), DATA, systemDir, ownerOf('10001'));
    await expect(missing).rejects.toThrow(CheckFileError);
    await expect(placeFiles(files({ path: '/data/tool.py', from: 'tools/nope.py' }), DATA, systemDir, ownerOf('10001'))).rejects.toThrow(
      `files /data/tool.py: from tools/nope.py does not exist in ${systemDir}; fix the path in the check or its fixture`,
    );
    await expect(placeFiles(files({ path: '/data/tool.py', from: 'tools' }), DATA, systemDir, ownerOf('10001'))).rejects.toThrow(`from tools is a folder, not a file in ${systemDir}`);
  });

  it('refuses a path that leaves the system folder, even one the schema would not let through', async () => {
    const escaping = [{ path: '/data/x', from: '../outside.py' }];
    const error = await placeFiles(escaping, DATA, systemDir, ownerOf('10001')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFileError);
    expect((error as CheckFileError).code).toBe('CheckFileInvalid');
    expect((error as Error).message).toBe(`files /data/x: from ../outside.py leaves the system folder ${systemDir}`);
  });

  it('refuses from: when the doc has no system folder', async () => {
    await expect(placeFiles(files({ path: '/data/tool.py', from: 'tools/smoke.py' }), DATA, null, ownerOf('10001'))).rejects.toThrow(
      'files /data/tool.py: from tools/smoke.py needs a system folder; give the doc a configured system:',
    );
  });
});

describe('ownerOf', () => {
  it('reads a numeric uid, using it as the gid too, and uid:gid', () => {
    expect(ownerOf('10001')).toEqual({ uid: 10001, gid: 10001, known: true });
    expect(ownerOf(10001)).toEqual({ uid: 10001, gid: 10001, known: true });
    expect(ownerOf('10001:20')).toEqual({ uid: 10001, gid: 20, known: true });
  });

  it('marks a name, which only the image can resolve, as unknown; no user is root', () => {
    expect(ownerOf('app')).toEqual({ uid: 0, gid: 0, known: false });
    expect(ownerOf(undefined)).toEqual({ uid: 0, gid: 0, known: true });
  });
});
