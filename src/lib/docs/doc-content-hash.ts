import { createHash } from 'node:crypto';
import type { DocRecord } from './doc-record.ts';

/**
 * A short hash of what a doc says, its frontmatter and body, so a run can record exactly
 * which version of its doc it ran from. Computed when asked (at a run's start), not for
 * every doc on every refresh.
 */
export function docContentHash(doc: Pick<DocRecord, 'frontmatter' | 'body'>): string {
  return createHash('sha256').update(JSON.stringify(doc.frontmatter)).update('\0').update(doc.body).digest('hex').slice(0, 16);
}
