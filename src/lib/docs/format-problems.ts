import type { Violation } from './doc-record.ts';
import type { BrokenLink } from './link-graph.ts';

/** One line per violation: `file: [rule] message`. */
export function formatViolation(violation: Violation): string {
  return `${violation.file}: [${violation.rule}] ${violation.message}`;
}

/** One line per broken link: `file:line: [broken-link] target (origin): reason`. */
export function formatBrokenLink(link: BrokenLink): string {
  const where = link.line ? `${link.file}:${link.line}` : link.file;
  return `${where}: [broken-link] ${link.target} (${link.origin === 'frontmatter' ? 'frontmatter links' : 'text'}): ${link.reason}`;
}
