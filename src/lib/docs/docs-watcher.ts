import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * Tells whether the docs folder may have changed since it was last read, from file-system
 * events (`fs.watch` recursive: inotify on Linux), so a server can skip re-listing the folder
 * on every request. When the folder cannot be watched (no support, the watcher failed, the
 * folder is gone) `watching` is false and callers fall back to the stamp check every time.
 */
const RETRY_MS = 5_000;
const IDENTITY_CHECK_MS = 1_000;

export class DocsWatcher {
  private readonly docsDir: string;
  private watcher: FSWatcher | null = null;
  private changed = true;
  private readonly paths = new Set<string>();
  private identity: string | null = null;
  private startedAt = 0;
  private checkedAt = 0;
  /** When an entry last came or went (a folder being removed and made again produces many). */
  private renamedAt = 0;

  constructor(docsDir: string) {
    this.docsDir = docsDir;
    this.start();
  }

  private start(): void {
    this.changed = true;
    this.startedAt = Date.now();
    try {
      this.identity = this.currentIdentity();
      const watcher = watch(this.docsDir, { recursive: true, persistent: false }, (event, filename) => {
        if (event === 'rename') this.renamedAt = Date.now();
        if (filename === null || countsAsDocs(String(filename))) this.changed = true;
        if (filename !== null && countsAsDocs(String(filename))) this.paths.add(String(filename).split(path.sep).join('/'));
      });
      // A watcher that dies (the folder removed, too many watches) must not leave a server
      // serving old pages: from then on every request takes the stamp check.
      // The watch of a folder since removed may report its end after its successor started.
      watcher.on('error', () => {
        if (this.watcher === watcher) this.stop();
        else watcher.close();
      });
      this.watcher = watcher;
    } catch {
      this.watcher = null;
    }
  }

  /** Whether events are arriving; false means "ask the folder every time". */
  get watching(): boolean {
    return this.watcher !== null;
  }

  /**
   * Whether anything may have changed since the last call, and resets the mark. Set again by
   * any event that arrives after, including one for a read that is still going on.
   */
  takeChanged(): boolean {
    return this.take() !== null;
  }

  /**
   * Like `takeChanged`, with the files the events named (relative, `/`-separated): null for
   * "nothing changed", an empty list when something did but no file was named.
   */
  take(): string[] | null {
    // A folder removed and made again (a checkout, a restore) is a new folder the old watch
    // never hears of: one stat per lookup notices, and the watch starts over on the new one.
    // The stat is kept off most lookups: done while files are coming and going, else once a second.
    const now = Date.now();
    const due = now - this.renamedAt < IDENTITY_CHECK_MS || now - this.checkedAt >= IDENTITY_CHECK_MS;
    if (due) this.checkedAt = now;
    if (this.watching && due && this.currentIdentity() !== this.identity) {
      this.stop();
      this.start();
    }
    // Without a watch (the folder was missing, the watch failed), try again now and then.
    if (!this.watching && Date.now() - this.startedAt > RETRY_MS) this.start();
    const changed = this.changed || !this.watching;
    this.changed = false;
    const named = [...this.paths];
    this.paths.clear();
    return changed ? named : null;
  }

  // The inode alone is not enough: a folder made again at once often gets the same number back.
  private currentIdentity(): string | null {
    try {
      const stat = statSync(this.docsDir);
      return `${stat.ino}:${stat.birthtimeMs}`;
    } catch {
      return null;
    }
  }

  /** Stops watching; `takeChanged()` then always says yes. */
  stop(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}

// Files the listing skips (dot folders such as a data folder or .git) never change the docs,
// and a database kept inside the docs folder would otherwise mark them changed on every write.
function countsAsDocs(relative: string): boolean {
  return !relative.split(path.sep).some((segment) => segment.startsWith('.') || segment === 'node_modules');
}
