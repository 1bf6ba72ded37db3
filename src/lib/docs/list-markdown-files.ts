import { readdirSync, statSync } from 'node:fs';
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

/** The docs folder as listed once: its markdown files with stamps, and every entry's kind. */
export interface DocsListing {
  stamps: FileStamp[];
  /** Every entry under the folder, hidden ones included, by docs-relative path. */
  entries: Map<string, ListedEntry>;
}

/**
 * Lists the `.md` files under the docs folder plus the contract file, with their stamps.
 * Hidden entries, node_modules and symlinks are not docs: a symlink could point outside the
 * docs folder, and nothing outside it may be read. The listing of every entry comes for free
 * with the walk and lets links inside the docs folder resolve without a stat each.
 */
export function listMarkdownFiles(docsDir: string, extraFiles: string[] = []): DocsListing {
  // Synchronous on purpose: a stat takes microseconds, the promise API a thread-pool round
  // trip each, and this runs on every request to see whether anything changed.
  const root = path.resolve(docsDir);
  const entries = new Map<string, ListedEntry>();
  const wanted: string[] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const parent = entry.parentPath === root ? '' : entry.parentPath.slice(root.length + 1).split(path.sep).join('/');
    const relative = parent ? `${parent}/${entry.name}` : entry.name;
    entries.set(relative, entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other');
    if (!entry.isFile()) continue;
    if (!(entry.name.toLowerCase().endsWith('.md') || extraFiles.includes(relative))) continue;
    if (relative.split('/').some((segment) => segment.startsWith('.') || segment === 'node_modules')) continue;
    wanted.push(relative);
  }
  wanted.sort();
  const stamps: FileStamp[] = [];
  for (const relative of wanted) {
    // Deleted between listing and stat: it is simply gone.
    const info = statSync(path.join(root, relative), { throwIfNoEntry: false });
    if (info) stamps.push({ path: relative, mtimeMs: info.mtimeMs, size: info.size });
  }
  return { stamps, entries };
}

/** One string that changes when any file is added, removed or modified. */
export function fingerprint(stamps: FileStamp[]): string {
  return stamps.map((s) => `${s.path}\u0000${s.mtimeMs}\u0000${s.size}`).join('\n');
}
