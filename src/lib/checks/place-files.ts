import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tarStream from 'tar-stream';
import { stringify as toYaml } from 'yaml';
import { expandValue, holdsExpansion, type ListedFile } from './file-expansions.ts';
import { fileModeBits, type PlacedFileSpec, type VolumeSpec } from './placed-file-schema.ts';

/** One tar to extract at `destination` through the archive API. */
export interface PlacedArchive {
  destination: string;
  tar: Buffer;
  paths: string[];
}

/** The uid and gid placed files are owned by; `known: false` when the user is a name only the image can resolve. */
export interface FileOwner {
  uid: number;
  gid: number;
  known?: boolean;
}

/** A `from:` file that is missing, unreadable, or outside the system's folder. */
export class CheckFileError extends Error {
  readonly code = 'CheckFileInvalid';
}

interface Materialized {
  path: string;
  content: Buffer | null;
  mode: number | null;
}

/**
 * Turns a check's files into tars, one per volume they land in (the archive API refuses to
 * write into a read-only root file system, but a volume is writable), and one for `/` when
 * a file is outside every volume. Folders on the way are created, owned by the container's
 * user, so the tool can write next to what it was given. Files with an `$each_file`
 * expansion are written last, listing the others.
 */
export async function placeFiles(files: PlacedFileSpec[], volumes: VolumeSpec[], systemDir: string | null, owner: FileOwner): Promise<PlacedArchive[]> {
  const materialized: Materialized[] = [];
  const deferred: PlacedFileSpec[] = [];
  for (const file of files) {
    const value = file.json ?? file.yaml;
    if (value !== undefined && holdsExpansion(value)) deferred.push(file);
    else materialized.push({ path: file.path, content: await contentOf(file, value, systemDir), mode: fileModeBits(file.mode) });
  }
  const listed: ListedFile[] = materialized.flatMap((f) => (f.content ? [{ path: f.path, bytes: f.content.length }] : []));
  for (const file of deferred) {
    materialized.push({ path: file.path, content: serialize(file, expandValue(file.json ?? file.yaml, listed)), mode: fileModeBits(file.mode) });
  }
  const groups = new Map<string, Materialized[]>();
  for (const file of materialized) {
    const destination = destinationOf(file.path, volumes);
    groups.set(destination, [...(groups.get(destination) ?? []), file]);
  }
  const archives: PlacedArchive[] = [];
  for (const [destination, group] of groups) archives.push({ destination, tar: await pack(destination, group, owner), paths: group.map((f) => f.path) });
  return archives;
}

/** The uid and gid a `user:` setting names when numeric; `known: false` for names, which only the image can resolve. */
export function ownerOf(user: string | number | undefined): Required<FileOwner> {
  const [uid, gid] = String(user ?? '0').split(':').map(Number);
  const known = Number.isInteger(uid);
  return { uid: known ? uid! : 0, gid: Number.isInteger(gid) ? gid! : known ? uid! : 0, known };
}

async function contentOf(file: PlacedFileSpec, value: unknown, systemDir: string | null): Promise<Buffer | null> {
  if (file.directory) return null;
  if (file.content !== undefined) return Buffer.from(file.content);
  if (value !== undefined) return serialize(file, value);
  return readFromSystem(file.from!, file.path, systemDir);
}

function serialize(file: PlacedFileSpec, value: unknown): Buffer {
  return Buffer.from(file.json !== undefined ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value));
}

async function readFromSystem(from: string, target: string, systemDir: string | null): Promise<Buffer> {
  if (!systemDir) throw new CheckFileError(`files ${target}: from ${from} needs a system folder; give the doc a configured system:`);
  const file = path.resolve(systemDir, from);
  if (!file.startsWith(`${path.resolve(systemDir)}${path.sep}`)) throw new CheckFileError(`files ${target}: from ${from} leaves the system folder ${systemDir}`);
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`;
    throw new CheckFileError(`files ${target}: from ${from} ${why} in ${systemDir}; fix the path in the check or its fixture`);
  }
}

/** The deepest volume holding the path, or `/`. */
function destinationOf(filePath: string, volumes: VolumeSpec[]): string {
  const holding = volumes.map((v) => v.path.replace(/\/+$/, '') || '/').filter((root) => filePath.startsWith(`${root}/`));
  return holding.sort((a, b) => b.length - a.length)[0] ?? '/';
}

async function pack(destination: string, files: Materialized[], owner: FileOwner): Promise<Buffer> {
  const archive = tarStream.pack();
  // A user given by name resolves inside the image, so its uid is unknown here: then the
  // files are left writable for everyone rather than owned by the wrong uid.
  const open = owner.known === false;
  const made = new Set<string>();
  const add = (name: string, content: Buffer | null, mode: number | null) =>
    new Promise<void>((resolve, reject) => {
      const fallback = content === null ? (open ? 0o777 : 0o755) : open ? 0o666 : 0o644;
      const header = { name, uid: owner.uid, gid: owner.gid, mtime: new Date(), mode: mode ?? fallback, ...(content === null ? { type: 'directory' as const } : {}) };
      if (content === null) archive.entry(header, (error) => (error ? reject(error) : resolve()));
      else archive.entry(header, content, (error) => (error ? reject(error) : resolve()));
    });
  const prefix = destination === '/' ? '/' : `${destination}/`;
  for (const file of files) {
    const relative = file.path.replace(/\/+$/, '').slice(prefix.length);
    const parts = relative.split('/');
    // Outside a volume the folders on the way are the image's own (/etc): leave their owners alone.
    for (let depth = 1; destination !== '/' && depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      if (made.has(folder)) continue;
      made.add(folder);
      await add(folder, null, null);
    }
    if (file.content === null) {
      if (made.has(relative)) continue;
      made.add(relative);
    }
    await add(relative, file.content, file.mode);
  }
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
