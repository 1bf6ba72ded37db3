import type { FileCommit } from './git-history.ts';

/** When a doc last changed, as its page says it. */
export interface LastUpdated {
  /** The day, `YYYY-MM-DD`. */
  date: string;
  /** For `<time datetime>`: the commit's full ISO date, or the frontmatter's day. */
  datetime: string;
  /** Where the date comes from: the last commit that touched the file, or frontmatter `updated`. */
  source: 'git' | 'frontmatter';
  /** The commit's author, when the commit's date is the one shown. */
  author: string | null;
  /** The commit, when its date is the one shown. */
  commit: { hash: string; subject: string } | null;
}

/**
 * The newer of the file's last commit and its frontmatter `updated` (an ISO day). They are
 * compared by day, the commit's as its author saw it: a frontmatter date wins only when it is
 * a later day, since a commit that day says more (who, and what). Null when there is neither.
 */
export function lastUpdated(frontmatterUpdated: string | null, commit: FileCommit | null): LastUpdated | null {
  const commitDay = commit ? commit.date.slice(0, 10) : null;
  if (frontmatterUpdated && (!commitDay || frontmatterUpdated > commitDay)) {
    return { date: frontmatterUpdated, datetime: frontmatterUpdated, source: 'frontmatter', author: null, commit: null };
  }
  if (!commit || !commitDay) return null;
  return { date: commitDay, datetime: commit.date, source: 'git', author: commit.author, commit: { hash: commit.hash, subject: commit.subject } };
}
