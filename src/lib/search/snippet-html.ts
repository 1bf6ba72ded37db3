import { escapeHtml } from '../shared/index.ts';
import { MATCH_END, MATCH_START } from './plain-text.ts';

/**
 * An FTS5 snippet as safe HTML: the doc's text escaped, and only the index's own match
 * markers (which the indexed text never contains) turned into `<mark>`.
 */
export function snippetHtml(snippet: string): string {
  return escapeHtml(snippet).replaceAll(MATCH_START, '<mark>').replaceAll(MATCH_END, '</mark>');
}
