import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * Tells whether the docs folder may have changed since it was last read, from file-system
 * events (`fs.watch` recursive: inotify on Linux), so a server can skip re-listing the folder
 * on every request. When the folder cannot be watched (no support, the watcher failed, the
 * folder is gone) `watching` is false and callers fall back to the stamp check every time.
 */
export class DocsWatcher {
  private watcher: FSWatcher | null = null;
  private changed = true;

  constructor(docsDir: string) {
    try {
      this.watcher = watch(docsDir, { recursive: true, persistent: false }, (_event, filename) => {
        if (filename === null || countsAsDocs(String(filename))) this.changed = true;
      });
      // A watcher that dies (the folder removed, too many watches) must not leave a server
      // serving old pages: from then on every request takes the stamp check.
      this.watcher.on('error', () => this.stop());
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
    const changed = this.changed || !this.watching;
    this.changed = false;
    return changed;
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
