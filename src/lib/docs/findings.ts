import type { Violation } from './doc-record.ts';
import type { DocsRule, RuleSeverities, Severity } from './docs-rules.ts';
import type { BrokenLink } from './link-graph.ts';
import { repositoryPath, type RepositoryLocation } from './repository-root.ts';

/** One thing docs validation found, with how much it matters. */
export interface Finding {
  rule: DocsRule;
  severity: Exclude<Severity, 'off'>;
  /** The file, relative to the repository root, with forward slashes. */
  path: string;
  /** The file, relative to the docs folder. */
  file: string;
  /** 1-based line, when the finding has one. */
  line: number | null;
  column: number | null;
  /** The frontmatter key concerned, when there is one. */
  field?: string;
  message: string;
}

/** Turns violations and broken links into findings at their configured severities; `off` drops them. */
export function toFindings(violations: Violation[], broken: BrokenLink[], severities: RuleSeverities, location: RepositoryLocation): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: DocsRule, file: string, line: number | null, column: number | null, message: string, field?: string) => {
    const severity = severities[rule] ?? 'error';
    if (severity === 'off') return;
    findings.push({ rule, severity, path: repositoryPath(location, file), file, line, column, ...(field ? { field } : {}), message });
  };
  for (const v of violations) add(v.rule as DocsRule, v.file, v.line ?? null, v.column ?? null, v.message, v.field);
  for (const b of broken) add('broken-link', b.file, b.line, null, `${b.target} (${b.origin === 'frontmatter' ? 'frontmatter links' : 'text'}): ${b.reason}`);
  return findings;
}

/** Findings counted per severity, and per rule with the rule's severity. */
export function summarizeFindings(findings: Finding[]): { errors: number; warnings: number; byRule: Record<string, { severity: Finding['severity']; count: number }> } {
  const byRule: Record<string, { severity: Finding['severity']; count: number }> = {};
  for (const finding of findings) {
    const entry = (byRule[finding.rule] ??= { severity: finding.severity, count: 0 });
    entry.count += 1;
  }
  return { errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length, byRule };
}
