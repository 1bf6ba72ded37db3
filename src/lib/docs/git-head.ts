import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The commit checked out in the repository at `root`, read from `.git` itself: no `git`
 * process, so recording it with every run costs a few file reads. Handles a `.git` folder or
 * a `.git` file pointing elsewhere (worktrees, submodules), a detached HEAD, and branches
 * stored loose or in `packed-refs`. Null when there is no repository, or for an unborn
 * branch (a repository without commits).
 */
export function gitHead(root: string): string | null {
  const gitDir = gitDirOf(root);
  if (!gitDir) return null;
  const head = readText(path.join(gitDir, 'HEAD'));
  if (!head) return null;
  if (COMMIT.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref || ref.split('/').includes('..')) return null;
  // A worktree keeps HEAD to itself and shares refs with the main repository.
  const commonDir = readText(path.join(gitDir, 'commondir'));
  const refDirs = commonDir ? [gitDir, path.resolve(gitDir, commonDir)] : [gitDir];
  for (const dir of refDirs) {
    const loose = readText(path.join(dir, ref));
    if (loose && COMMIT.test(loose)) return loose;
  }
  for (const dir of refDirs) {
    for (const line of (readText(path.join(dir, 'packed-refs')) ?? '').split('\n')) {
      const [commit, name] = line.trim().split(' ');
      if (name === ref && commit && COMMIT.test(commit)) return commit;
    }
  }
  return null;
}

/**
 * The commits a shallow clone was cut at (`shallow` in the git folder), whose parents are
 * missing: a file last touched "by" one of them may have changed long before. Empty for a
 * full clone, or when there is no repository.
 */
export function shallowCommits(root: string): Set<string> {
  const gitDir = gitDirOf(root);
  if (!gitDir) return new Set();
  const commonDir = readText(path.join(gitDir, 'commondir'));
  const shallow = readText(path.join(commonDir ? path.resolve(gitDir, commonDir) : gitDir, 'shallow')) ?? '';
  return new Set(shallow.split('\n').map((line) => line.trim()).filter((line) => COMMIT.test(line)));
}

function gitDirOf(root: string): string | null {
  const dotGit = path.join(root, '.git');
  const info = statSync(dotGit, { throwIfNoEntry: false });
  if (info?.isDirectory()) return dotGit;
  if (!info?.isFile()) return null;
  const pointer = /^gitdir:\s*(.+)$/m.exec(readText(dotGit) ?? '')?.[1]?.trim();
  return pointer ? path.resolve(root, pointer) : null;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}
