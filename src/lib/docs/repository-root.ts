import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the docs folder sits in its repository. */
export interface RepositoryLocation {
  /** The repository root: the nearest folder at or above the docs folder holding `.git`, or REPO_DIR. */
  root: string;
  /** The docs folder relative to the root, with forward slashes; '' when they are the same folder. */
  docsPath: string;
  /** True when a `.git` was found or REPO_DIR named the root; false when the docs folder stands alone. */
  inRepository: boolean;
}

/** REPO_DIR does not contain the docs folder. */
export class RepositoryMismatchError extends Error {
  readonly code = 'RepositoryMismatch';
}

/**
 * Finds the repository a docs folder belongs to. `.git` may be a folder or, in worktrees and
 * submodules, a file. Without either, the docs folder is its own root.
 */
export function locateRepository(docsDir: string, repoDir: string | null = null): RepositoryLocation {
  const docs = path.resolve(docsDir);
  if (repoDir) {
    const root = path.resolve(repoDir);
    const inside = path.relative(root, docs);
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      throw new RepositoryMismatchError(`REPO_DIR ${root} does not contain the docs folder ${docs}; set REPO_DIR to the repository that holds it, or unset it to find the repository from .git`);
    }
    return { root, docsPath: inside.split(path.sep).join('/'), inRepository: true };
  }
  for (let dir = docs; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return { root: dir, docsPath: path.relative(dir, docs).split(path.sep).join('/'), inRepository: true };
    if (path.dirname(dir) === dir) return { root: docs, docsPath: '', inRepository: false };
  }
}

/** A docs-relative path as a repository-relative one. */
export function repositoryPath(location: Pick<RepositoryLocation, 'docsPath'>, docsRelative: string): string {
  if (docsRelative === '.' || docsRelative === '') return location.docsPath || '.';
  return location.docsPath ? `${location.docsPath}/${docsRelative}` : docsRelative;
}
