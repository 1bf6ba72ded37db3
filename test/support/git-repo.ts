import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Who makes a commit, and when (ISO 8601 with an offset: it is kept as the author's own). */
export interface CommitAuthor {
  name: string;
  email: string;
  date: string;
}

/** A real git repository in a temp folder, with commits made at fixed dates. */
export interface TempGitRepo {
  /** Repository root (real path). */
  root: string;
  /** Runs git in the repository and returns its output, trimmed. */
  git(...args: string[]): string;
  /** Writes a file at a repository-relative path. */
  write(repoPath: string, content: string): void;
  /** Stages everything (unless `stageAll` is false: what is staged already) and commits it as `author`; returns the commit's hash. */
  commit(message: string, author: CommitAuthor, options?: { stageAll?: boolean }): string;
  cleanup(): void;
}

/** Alice and Bob, who make the two commits most tests need, and Carol, who comes later. */
export const AUTHORS = {
  alice: { name: 'Alice Ærø', email: 'alice@example.invalid', date: '2026-01-10T09:00:00+01:00' },
  bob: { name: 'Bob Builder', email: 'bob@example.invalid', date: '2026-02-20T18:30:00-05:00' },
  carol: { name: 'Carol', email: 'carol@example.invalid', date: '2026-03-05T12:00:00+00:00' },
} as const satisfies Record<string, CommitAuthor>;

/** `git init` in a temp folder; no commits yet. */
export function makeGitRepo(): TempGitRepo {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'runbook-live-git-')));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('-c', 'init.defaultBranch=main', 'init', '-q');
  git('config', 'commit.gpgsign', 'false');
  return {
    root,
    git,
    write(repoPath, content) {
      const file = path.join(root, repoPath);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    },
    commit(message, author, options = {}) {
      if (options.stageAll !== false) git('add', '-A');
      execFileSync('git', ['commit', '-q', '-m', message], {
        cwd: root,
        stdio: 'ignore',
        env: { ...process.env, GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: author.date, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email, GIT_COMMITTER_DATE: author.date },
      });
      return git('rev-parse', 'HEAD');
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
