import { readdirSync, readlinkSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';

/** A markdown file and the facts that tell whether it changed. */
export interface FileStamp {
  /** Path relative to the docs folder, with forward slashes. */
  path: string;
  mtimeMs: number;
  size: number;
}

/** What a docs-relative path is, as the listing saw it; a symlink is left for a stat to tell. */
export type ListedEntry = 'file' | 'folder' | 'other';

/** A symlink that would be a doc or a folder of docs: where it points, and whether that is inside the docs folder. */
export interface ListedSymlink {
  /** The link's path relative to the docs folder. */
  path: string;
  /** The target as written in the link. */
  target: string;
  inside: boolean;
}

/** The docs folder as listed once: its markdown files with stamps, and every entry's kind. */
export interface DocsListing {
  stamps: FileStamp[];
  /** Symlinks named like docs or pointing at folders: never followed, reported instead. */
  symlinks: ListedSymlink[];
  /** Every entry under the folder, hidden ones included, by docs-relative path. */
  entries: Map<string, ListedEntry>;
}

/**
 * Lists the `.md` files under the docs folder plus the contract file, with their stamps.
 * Hidden entries, node_modules and symlinks are not docs: a symlink could point outside the
 * docs folder, and nothing outside it may be read. Symlinks are never followed, even to a
 * file inside the folder (one file, one doc, one id); those named `.md` or pointing at a
 * folder are listed with their targets so they can be reported. The listing of every entry comes for free
 * with the walk and lets links inside the docs folder resolve without a stat each.
 */
export function listMarkdownFiles(docsDir: string, extraFiles: string[] = []): DocsListing {
  // Synchronous on purpose: a stat takes microseconds, the promise API a thread-pool round
  // trip each, and this runs on every request to see whether anything changed.
  const root = path.resolve(docsDir);
  const entries = new Map<string, ListedEntry>();
  const wanted: string[] = [];
  const symlinks: ListedSymlink[] = [];
  let realRoot: string | null = null;
  for (const { entry, relative } of walk(root)) {
    entries.set(relative, entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other');
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    if (relative.split('/').some((segment) => segment.startsWith('.') || segment === 'node_modules')) continue;
    if (entry.isSymbolicLink()) {
      realRoot ??= realpathSync(root);
      const link = describeSymlink(path.join(entry.parentPath, entry.name), relative, realRoot);
      if (link) symlinks.push(link);
      continue;
    }
    if (!(entry.name.toLowerCase().endsWith('.md') || extraFiles.includes(relative))) continue;
    wanted.push(relative);
  }
  wanted.sort();
  symlinks.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const stamps: FileStamp[] = [];
  for (const relative of wanted) {
    // Deleted between listing and stat: it is simply gone.
    const info = statSync(path.join(root, relative), { throwIfNoEntry: false });
    if (info) stamps.push({ path: relative, mtimeMs: info.mtimeMs, size: info.size });
  }
  return { stamps, entries, symlinks };
}

/**
 * Every entry under `root`, descending only into real folders. `readdirSync`'s own recursive
 * mode descends into symlinked folders too, which would walk (and list docs from) wherever a
 * link points, /etc included.
 */
function* walk(root: string): Generator<{ entry: Dirent; relative: string }> {
  const folders: string[] = [''];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let listed: Dirent[];
    try {
      listed = readdirSync(folder ? path.join(root, folder) : root, { withFileTypes: true });
    } catch (error) {
      if (folder === '') throw error; // The docs folder itself: the caller says what is wrong.
      continue; // A subfolder removed while we looked.
    }
    for (const entry of listed) {
      const relative = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) folders.push(relative);
      yield { entry, relative };
    }
  }
}

/** A symlink worth reporting (named `.md`, or pointing at a folder or nowhere), read without following it further. */
function describeSymlink(file: string, relative: string, realRoot: string): ListedSymlink | null {
  let target: string;
  try {
    target = readlinkSync(file);
  } catch {
    return null; // Gone since the listing.
  }
  const resolved = statSync(file, { throwIfNoEntry: false });
  if (!relative.toLowerCase().endsWith('.md') && resolved && !resolved.isDirectory()) return null;
  // Where it really ends up, through any chain of links; a dangling link is judged by its text.
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    real = path.resolve(path.dirname(file), target);
  }
  const inside = real === realRoot || real.startsWith(realRoot + path.sep);
  return { path: relative, target, inside };
}

/** One string that changes when any file is added, removed or modified. */
export function fingerprint(stamps: FileStamp[], symlinks: ListedSymlink[] = []): string {
  return stamps.map((s) => `${s.path}\u0000${s.mtimeMs}\u0000${s.size}`).join('\n') + symlinks.map((link) => `\n${link.path}\u0001${link.target}`).join('');
}
