import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { docContentHash, gitHead } from '../../../src/lib/docs/index.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = realpathSync(mkdtempSync(path.join(tmpdir(), 'git-head-')));
  folders.push(folder);
  return folder;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

function repositoryWithCommit(): { root: string; commit: string } {
  const root = tempFolder();
  git(root, 'init', '-q');
  writeFileSync(path.join(root, 'README.md'), '# A repository\n');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'first');
  return { root, commit: git(root, 'rev-parse', 'HEAD') };
}

describe('gitHead', () => {
  it('reads the checked-out commit of a branch stored as a loose ref', () => {
    const { root, commit } = repositoryWithCommit();
    expect(gitHead(root)).toBe(commit);
  });

  it('follows a new commit, a packed ref and a detached HEAD', () => {
    const { root } = repositoryWithCommit();
    writeFileSync(path.join(root, 'b.md'), 'b\n');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'second');
    const second = git(root, 'rev-parse', 'HEAD');
    expect(gitHead(root)).toBe(second);
    git(root, 'pack-refs', '--all', '--prune');
    expect(gitHead(root)).toBe(second);
    const first = git(root, 'rev-parse', 'HEAD~1');
    git(root, 'checkout', '-q', first);
    expect(gitHead(root)).toBe(first);
  });

  it('reads a worktree, whose .git is a file and whose refs live in the main repository', () => {
    const { root, commit } = repositoryWithCommit();
    const worktree = path.join(tempFolder(), 'wt');
    git(root, 'worktree', 'add', '-q', '-b', 'side', worktree);
    expect(gitHead(worktree)).toBe(commit);
  });

  it('is null outside a repository and in a repository without commits', () => {
    expect(gitHead(tempFolder())).toBeNull();
    const empty = tempFolder();
    git(empty, 'init', '-q');
    expect(gitHead(empty)).toBeNull();
  });
});

describe('docContentHash', () => {
  it('changes with the frontmatter or the body, and only with them', () => {
    const doc = { frontmatter: { id: 'RUN-x', status: 'active' }, body: '# X\n' };
    const hash = docContentHash(doc);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(docContentHash({ ...doc })).toBe(hash);
    expect(docContentHash({ ...doc, body: '# Y\n' })).not.toBe(hash);
    expect(docContentHash({ ...doc, frontmatter: { id: 'RUN-x', status: 'draft' } })).not.toBe(hash);
  });
});
