import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A markdown file and the facts that tell whether it changed. */
export interface FileStamp {
  /** Path relative to the docs folder, with forward slashes. */
  path: string;
  mtimeMs: number;
  size: number;
}

/**
 * Lists the `.md` files under the docs folder plus the contract file, with their stamps.
 * Hidden entries, node_modules and symlinks are skipped: a symlink could point outside
 * the docs folder, and nothing outside it may be read.
 */
export async function listMarkdownFiles(docsDir: string, extraFiles: string[] = []): Promise<FileStamp[]> {
  // Synchronous on purpose: a stat takes microseconds, the promise API a thread-pool round
  // trip each, and this runs on every request to see whether anything changed.
  const entries = readdirSync(docsDir, { recursive: true, withFileTypes: true });
  const wanted = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(docsDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relative) => !relative.split('/').some((segment) => segment.startsWith('.') || segment === 'node_modules'))
    .filter((relative) => relative.toLowerCase().endsWith('.md') || extraFiles.includes(relative))
    .sort();
  const stamps: FileStamp[] = [];
  for (const relative of wanted) {
    // Deleted between listing and stat: it is simply gone.
    const info = statSync(path.join(docsDir, relative), { throwIfNoEntry: false });
    if (info) stamps.push({ path: relative, mtimeMs: info.mtimeMs, size: info.size });
  }
  return stamps;
}

/** One string that changes when any file is added, removed or modified. */
export function fingerprint(stamps: FileStamp[]): string {
  return stamps.map((s) => `${s.path}\u0000${s.mtimeMs}\u0000${s.size}`).join('\n');
}
