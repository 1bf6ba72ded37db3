import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileGit, GitHistory, lastUpdated, locateRepository, parseGitLog, type GitRunner } from '../../../src/lib/docs/index.ts';
import { AUTHORS, makeGitRepo, type TempGitRepo } from '../../support/git-repo.ts';

// Against real repositories made in temp folders, with real git: two commits by different
// authors at fixed dates, nested folders, names with spaces and non-ASCII letters.
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const FILES = {
  runbook: 'docs/runbooks/runbook-a.md',
  nested: 'docs/adr/2026/q1/adr-0001-first.md',
  spaces: 'docs/reference/on call notes.md',
  unicode: 'docs/reference/référence ü/naïve.md',
  outside: 'src/app.ts',
} as const;

/** Alice adds everything; Bob changes the runbook, the file with spaces and one outside the docs. */
function twoCommits(): { repo: TempGitRepo; first: string; second: string } {
  const repo = makeGitRepo();
  cleanups.push(repo.cleanup);
  for (const file of Object.values(FILES)) repo.write(file, `# ${file}\n`);
  const first = repo.commit('Add the docs', AUTHORS.alice);
  for (const file of [FILES.runbook, FILES.spaces, FILES.outside]) repo.write(file, `# ${file}\n\nChanged.\n`);
  const second = repo.commit('Sharpen the runbook', AUTHORS.bob);
  return { repo, first, second };
}

/** The real runner, counting its runs. */
function countingRunner(): { run: GitRunner; runs: () => number } {
  const real = execFileGit();
  let runs = 0;
  return {
    run: (args, limits) => {
      runs += 1;
      return real(args, limits);
    },
    runs: () => runs,
  };
}

async function ready(history: GitHistory): Promise<GitHistory> {
  history.poll();
  await history.idle();
  return history;
}

describe('GitHistory', () => {
  for (const quotePath of ['true', 'false']) {
    it(`gives each file its last commit, with nested folders, spaces and non-ASCII names (core.quotePath=${quotePath})`, async () => {
      const { repo, first, second } = twoCommits();
      repo.git('config', 'core.quotePath', quotePath);
      repo.write('docs/drafts/new.md', '# Not committed yet\n');
      const history = await ready(new GitHistory(locateRepository(path.join(repo.root, 'docs'))));
      const bob = { hash: second, author: 'Bob Builder', date: '2026-02-20T18:30:00-05:00', subject: 'Sharpen the runbook' };
      const alice = { hash: first, author: 'Alice Ærø', date: '2026-01-10T09:00:00+01:00', subject: 'Add the docs' };
      expect(history.lastCommit(FILES.runbook)).toEqual(bob);
      expect(history.lastCommit(FILES.spaces)).toEqual(bob);
      expect(history.lastCommit(FILES.nested)).toEqual(alice);
      expect(history.lastCommit(FILES.unicode)).toEqual(alice);
      expect(history.lastCommit('docs/drafts/new.md')).toBeNull();
      // Only the docs folder's history is read.
      expect(history.lastCommit(FILES.outside)).toBeNull();
      expect(history.commit).toBe(second);
      expect(history.lastWalk).toMatchObject({ commit: second, files: 4 });
    });
  }

  it('answers null until the walk started by the first question is done, and never waits for it', async () => {
    const { repo, second } = twoCommits();
    const history = new GitHistory(locateRepository(path.join(repo.root, 'docs')));
    expect(history.lastCommit(FILES.runbook)).toBeNull();
    await history.idle();
    expect(history.lastCommit(FILES.runbook)?.hash).toBe(second);
  });

  it('walks once per HEAD commit: asking again spawns no git, a new commit one walk, an earlier commit checked out again none', async () => {
    const { repo, first, second } = twoCommits();
    const counter = countingRunner();
    const history = await ready(new GitHistory(locateRepository(path.join(repo.root, 'docs')), { run: counter.run, recheckMs: 0 }));
    for (const file of Object.values(FILES)) history.lastCommit(file);
    history.poll();
    await history.idle();
    expect(counter.runs()).toBe(1);

    const heard: string[][] = [];
    history.onChange((paths) => heard.push([...paths].sort()));
    repo.write(FILES.nested, '# Revised\n');
    const third = repo.commit('Revise the ADR', AUTHORS.carol);
    // Until the new walk is done, the previous commit's history is still served.
    expect(history.lastCommit(FILES.nested)?.hash).toBe(first);
    await history.idle();
    expect(history.lastCommit(FILES.nested)).toMatchObject({ hash: third, author: 'Carol' });
    expect(counter.runs()).toBe(2);
    expect(heard).toEqual([[FILES.nested]]);

    repo.git('checkout', '-q', second);
    expect(history.lastCommit(FILES.nested)?.hash).toBe(first);
    expect(history.commit).toBe(second);
    await history.idle();
    expect(counter.runs()).toBe(2);
    expect(heard).toEqual([[FILES.nested], [FILES.nested]]);
  });

  it('looks at HEAD no more than once per recheck interval', async () => {
    const { repo } = twoCommits();
    const counter = countingRunner();
    const history = await ready(new GitHistory(locateRepository(path.join(repo.root, 'docs')), { run: counter.run, recheckMs: 60_000 }));
    repo.write(FILES.nested, '# Revised\n');
    repo.commit('Revise the ADR', AUTHORS.carol);
    history.poll();
    await history.idle();
    expect(counter.runs()).toBe(1);
  });

  it('reads the whole repository when the docs folder is its root', async () => {
    const repo = makeGitRepo();
    cleanups.push(repo.cleanup);
    repo.write('runbook a.md', '# A\n');
    const commit = repo.commit('Add A', AUTHORS.alice);
    const location = locateRepository(repo.root);
    expect(location.docsPath).toBe('');
    const history = await ready(new GitHistory(location));
    expect(history.lastCommit('runbook a.md')?.hash).toBe(commit);
  });

  it('shows nothing and fails nothing without a repository, without commits, or without git', async () => {
    const plain = realpathSync(mkdtempSync(path.join(tmpdir(), 'runbook-live-plain-')));
    cleanups.push(() => rmSync(plain, { recursive: true, force: true }));
    const counter = countingRunner();
    const outside = await ready(new GitHistory(locateRepository(plain), { run: counter.run }));
    expect(outside.lastCommit('a.md')).toBeNull();

    const empty = makeGitRepo();
    cleanups.push(empty.cleanup);
    empty.write('docs/a.md', '# A\n');
    const unborn = await ready(new GitHistory(locateRepository(path.join(empty.root, 'docs')), { run: counter.run }));
    expect(unborn.lastCommit('docs/a.md')).toBeNull();
    expect(counter.runs()).toBe(0);

    const { repo } = twoCommits();
    const warnings: string[] = [];
    const noGit = await ready(new GitHistory(locateRepository(path.join(repo.root, 'docs')), { run: execFileGit('/nonexistent/git'), warn: (message) => warnings.push(message) }));
    expect(noGit.lastCommit(FILES.runbook)).toBeNull();
    expect(noGit.commit).toBeNull();
    expect(warnings).toEqual([expect.stringContaining('/nonexistent/git is not installed or not on PATH')]);
  });

  it('stops a walk that prints too much or runs too long, and then shows nothing', async () => {
    const { repo } = twoCommits();
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const docs = locateRepository(path.join(repo.root, 'docs'));
    const chatty = await ready(new GitHistory(docs, { maxBufferBytes: 16, warn }));
    expect(chatty.lastCommit(FILES.runbook)).toBeNull();
    // A git that hangs (a network file system, a lock): a stand-in that never answers.
    const hanging = path.join(repo.root, 'hanging-git');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const slow = await ready(new GitHistory(docs, { run: execFileGit(hanging), timeoutMs: 200, warn }));
    expect(slow.lastCommit(FILES.runbook)).toBeNull();
    expect(warnings).toEqual([expect.stringContaining('printed more than 16 bytes'), expect.stringContaining('stopped after 200 ms')]);
  });

  it('leaves out files whose last commit is where a shallow clone was cut', async () => {
    const { repo } = twoCommits();
    repo.write(FILES.nested, '# Revised\n');
    const third = repo.commit('Revise the ADR', AUTHORS.carol);
    const clone = realpathSync(mkdtempSync(path.join(tmpdir(), 'runbook-live-shallow-')));
    cleanups.push(() => rmSync(clone, { recursive: true, force: true }));
    execFileSync('git', ['clone', '-q', '--depth', '2', `file://${repo.root}`, clone], { stdio: 'ignore' });
    expect(existsSync(path.join(clone, '.git', 'shallow'))).toBe(true);
    const history = await ready(new GitHistory(locateRepository(path.join(clone, 'docs'))));
    // The clone holds Carol's commit and Bob's, cut at Bob's: only Carol's file is known for sure.
    expect(history.lastCommit(FILES.nested)?.hash).toBe(third);
    expect(history.lastCommit(FILES.runbook)).toBeNull();
    expect(history.lastCommit(FILES.unicode)).toBeNull();
  });
});

describe('parseGitLog', () => {
  it('keeps the newest commit per file and reads names verbatim', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const output = `\x1e${a}\0Ann\0${'2026-02-01T00:00:00+00:00'}\0fix\0\nx y.md\0z.md\0\x1e${b}\0Ben\0${'2026-01-01T00:00:00+00:00'}\0add \x1e weird\0\nx y.md\0w.md\0`;
    const files = parseGitLog(output);
    expect([...files.entries()].map(([file, commit]) => [file, commit.author, commit.subject])).toEqual([
      ['x y.md', 'Ann', 'fix'],
      ['z.md', 'Ann', 'fix'],
      ['w.md', 'Ben', 'add \x1e weird'],
    ]);
  });
});

describe('lastUpdated', () => {
  const commit = { hash: 'c'.repeat(40), author: 'Bob Builder', date: '2026-02-20T18:30:00-05:00', subject: 'Sharpen' };

  it('shows the commit, with its author, unless the frontmatter names a later day', () => {
    expect(lastUpdated(null, commit)).toEqual({ date: '2026-02-20', datetime: '2026-02-20T18:30:00-05:00', source: 'git', author: 'Bob Builder', commit: { hash: commit.hash, subject: 'Sharpen' } });
    // The same day: the commit says more.
    expect(lastUpdated('2026-02-20', commit)).toMatchObject({ source: 'git', author: 'Bob Builder' });
    expect(lastUpdated('2026-01-31', commit)).toMatchObject({ source: 'git', date: '2026-02-20' });
    expect(lastUpdated('2026-02-21', commit)).toEqual({ date: '2026-02-21', datetime: '2026-02-21', source: 'frontmatter', author: null, commit: null });
  });

  it('falls back to the frontmatter, and is null with neither', () => {
    expect(lastUpdated('2026-03-01', null)).toMatchObject({ source: 'frontmatter', date: '2026-03-01', author: null });
    expect(lastUpdated(null, null)).toBeNull();
  });
});
