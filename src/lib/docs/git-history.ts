import { execFileGit, type GitRunner } from './git-command.ts';
import { gitHead, shallowCommits } from './git-head.ts';
import type { RepositoryLocation } from './repository-root.ts';

/** The last commit that touched a file. */
export interface FileCommit {
  hash: string;
  /** The author's name, as the repository's `.mailmap` spells it. */
  author: string;
  /** The author date, ISO 8601 with the author's own offset (`2026-03-02T10:00:00+01:00`). */
  date: string;
  /** The first line of the commit message. */
  subject: string;
}

/** How the history is read. */
export interface GitHistoryOptions {
  /** Runs git; the default starts the `git` on PATH. */
  run?: GitRunner;
  /** HEAD is looked at no more often than this, in milliseconds (default 1,000). */
  recheckMs?: number;
  /** How long one walk may take (default 30 s). */
  timeoutMs?: number;
  /** How much one walk may print (default 64 MiB). */
  maxBufferBytes?: number;
  /** How many commits' histories are kept, so checking out an earlier one again costs nothing (default 4). */
  keep?: number;
  /** Where a walk that failed is reported, once per reason. */
  warn?: (message: string) => void;
}

/** What the last finished walk cost: for the benches and for anyone wondering. */
export interface GitWalkStats {
  commit: string;
  files: number;
  ms: number;
}

const RECORD = '\x1e';
const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
// One record per commit: a separator git never prints in a hash, then NUL-separated fields;
// with -z the names of the files it touched follow, each ended by NUL and printed verbatim
// (no C-style quoting, whatever core.quotePath says), so spaces and non-ASCII names survive.
const FORMAT = '--format=%x1e%H%x00%aN%x00%aI%x00%s';

/**
 * The last commit per file of `git log` output in the FORMAT above: the first commit listing
 * a file is the newest one that touched it, as git walks newest first. Paths are
 * repository-relative, with forward slashes.
 */
export function parseGitLog(output: string): Map<string, FileCommit> {
  const files = new Map<string, FileCommit>();
  const tokens = output.split('\0');
  let current: FileCommit | null = null;
  for (let i = 0; i < tokens.length; i++) {
    // git starts the list of names after a header with a newline.
    const token = tokens[i]!.startsWith('\n') ? tokens[i]!.slice(1) : tokens[i]!;
    if (token.startsWith(RECORD) && COMMIT.test(token.slice(1))) {
      const [author = '', date = '', subject = ''] = tokens.slice(i + 1, i + 4);
      current = Number.isNaN(Date.parse(date)) ? null : { hash: token.slice(1), author, date, subject };
      i += 3;
      continue;
    }
    if (current && token !== '' && !files.has(token)) files.set(token, current);
  }
  return files;
}

/**
 * Who last changed each file of the docs folder, and when, from one `git log` walk per HEAD
 * commit. Walks run in the background on first need and never hold up a page: until the
 * first one ends, `lastCommit` answers null. When HEAD moves (a pull, a checkout), the
 * history of the previous commit is served until the new walk is done, then swapped in at
 * once and listeners hear which files' last commit changed. Histories are kept per commit,
 * so nothing is walked twice for the same HEAD.
 *
 * Nothing is shown, and nothing fails, without a repository, without git, in a repository
 * without commits, or for a file that was never committed. In a shallow clone, files whose
 * last commit is where the clone was cut are left out: their real last change is unknown.
 */
export class GitHistory {
  private readonly location: RepositoryLocation;
  private readonly run: GitRunner;
  private readonly recheckMs: number;
  private readonly limits: { timeoutMs: number; maxBufferBytes: number };
  private readonly keep: number;
  private readonly warn: (message: string) => void;
  private readonly byCommit = new Map<string, Map<string, FileCommit>>();
  private readonly failed = new Set<string>();
  private readonly warned = new Set<string>();
  private readonly listeners = new Set<(changedPaths: ReadonlySet<string>) => void>();
  private shown: Map<string, FileCommit> = new Map();
  private shownCommit: string | null = null;
  private head: string | null = null;
  private checkedAt = -Infinity;
  private walking: Promise<void> | null = null;
  private stats: GitWalkStats | null = null;

  constructor(location: RepositoryLocation, options: GitHistoryOptions = {}) {
    this.location = location;
    this.run = options.run ?? execFileGit();
    this.recheckMs = options.recheckMs ?? 1_000;
    this.limits = { timeoutMs: options.timeoutMs ?? 30_000, maxBufferBytes: options.maxBufferBytes ?? 64 * 1024 * 1024 };
    this.keep = options.keep ?? 4;
    this.warn = options.warn ?? (() => {});
  }

  /** The last commit that touched a repository-relative path, as far as the history is ready; null when unknown. */
  lastCommit(repositoryPath: string): FileCommit | null {
    this.poll();
    return this.shown.get(repositoryPath) ?? null;
  }

  /** The commit whose history `lastCommit` answers from, or null while there is none. */
  get commit(): string | null {
    return this.shownCommit;
  }

  /** What the last finished walk cost. */
  get lastWalk(): GitWalkStats | null {
    return this.stats;
  }

  /** Looks at HEAD (at most once per `recheckMs`) and starts a walk when it moved to a commit not walked yet. */
  poll(): void {
    if (!this.location.inRepository) return;
    const now = Date.now();
    if (now - this.checkedAt < this.recheckMs) return;
    this.checkedAt = now;
    const head = gitHead(this.location.root);
    if (head === this.head) return;
    this.head = head;
    const known = head ? this.byCommit.get(head) : undefined;
    if (head && known) {
      this.remember(head, known);
      return this.show(head, known);
    }
    if (!head || this.failed.has(head)) return this.show(null, new Map());
    this.walking ??= this.walkWhileBehind()
      .catch((error: unknown) => this.warn(`runbook-live: git metadata: ${(error as Error).message}`))
      .finally(() => (this.walking = null));
  }

  /** Settles when no walk is running (a test or a bench waits on this; pages never do). */
  async idle(): Promise<void> {
    while (this.walking) await this.walking;
  }

  /** Hears the repository paths whose last commit changed, each time a walk's result is swapped in. */
  onChange(listener: (changedPaths: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // HEAD may move again while a walk runs: walk until the newest HEAD seen has its history.
  private async walkWhileBehind(): Promise<void> {
    for (let head = this.head; head && !this.byCommit.has(head) && !this.failed.has(head); head = this.head) {
      const files = await this.walk(head);
      if (files) this.remember(head, files);
      else this.failed.add(head);
      if (this.head === head) this.show(files ? head : null, files ?? new Map());
    }
  }

  private async walk(head: string): Promise<Map<string, FileCommit> | null> {
    const started = performance.now();
    // The walk names the commit rather than HEAD, so what it reads is what it is kept under.
    // Settings a user may have that would change what the walk prints are pinned: a root
    // commit lists its files, and a single path is never followed as one file's renames.
    const args = ['-C', this.location.root, '-c', 'log.showRoot=true', '-c', 'log.follow=false', 'log', '--no-merges', '--no-renames', '--no-color', '--no-show-signature', '--encoding=UTF-8', FORMAT, '-z', '--name-only', head, '--', this.pathspec()];
    try {
      const files = parseGitLog(await this.run(args, this.limits));
      const cut = shallowCommits(this.location.root);
      if (cut.size > 0) for (const [file, commit] of files) if (cut.has(commit.hash)) files.delete(file);
      this.stats = { commit: head, files: files.size, ms: performance.now() - started };
      return files;
    } catch (error) {
      const message = `runbook-live: git metadata is not shown for ${this.location.root}: ${(error as Error).message}`;
      if (!this.warned.has(message)) this.warn(message);
      this.warned.add(message);
      return null;
    }
  }

  // Only the docs folder's history is read; `literal` keeps a folder named `*` or `:x` a name.
  private pathspec(): string {
    return this.location.docsPath ? `:(top,literal)${this.location.docsPath}` : ':(top)';
  }

  private remember(head: string, files: Map<string, FileCommit>): void {
    this.byCommit.delete(head);
    this.byCommit.set(head, files);
    for (const oldest of this.byCommit.keys()) {
      if (this.byCommit.size <= this.keep) break;
      this.byCommit.delete(oldest);
    }
  }

  private show(commit: string | null, next: Map<string, FileCommit>): void {
    const previous = this.shown;
    this.shown = next;
    this.shownCommit = commit;
    const changed = new Set<string>();
    for (const [file, last] of next) if (previous.get(file)?.hash !== last.hash) changed.add(file);
    for (const file of previous.keys()) if (!next.has(file)) changed.add(file);
    if (changed.size > 0) for (const listener of this.listeners) listener(changed);
  }
}
