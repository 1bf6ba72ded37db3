import type { Core } from '../app/index.ts';
import type { BrokenLink, Violation } from '../docs/index.ts';
import { troubleshootingSections, type Incident } from '../incidents/index.ts';
import { brokenCitations } from '../procedures/index.ts';

/** Everything the docs health page renders. */
export interface HealthView {
  contractSource: string;
  docCount: number;
  violations: Violation[];
  brokenLinks: BrokenLink[];
  citations: ReturnType<typeof brokenCitations>;
  /** Failures no troubleshooting section explains: gaps in the runbooks. */
  unclassified: Incident[];
  /** Problems with `Covers:` annotations. */
  coversProblems: string[];
  /** Violations per rule, most frequent first. */
  byRule: Array<{ rule: string; count: number }>;
  filesWithProblems: number;
  systemsProblem: string | null;
}

/** The docs health page: contract violations, broken links and citations, unexplained failures. */
export async function healthView(core: Core): Promise<HealthView> {
  const set = await core.docs.current();
  const byRule = new Map<string, number>();
  for (const v of set.violations) byRule.set(v.rule, (byRule.get(v.rule) ?? 0) + 1);
  return {
    contractSource: set.contract.source ?? 'built-in default',
    docCount: set.docs.length,
    violations: set.violations,
    brokenLinks: set.broken,
    citations: brokenCitations(set, core.catalog),
    unclassified: core.incidents.list({ limit: 1000 }).filter((incident) => incident.section === null),
    coversProblems: set.docs.flatMap((doc) => troubleshootingSections(doc).flatMap((section) => section.problems)),
    byRule: [...byRule].sort((a, b) => b[1] - a[1]).map(([rule, count]) => ({ rule, count })),
    filesWithProblems: new Set([...set.violations, ...set.broken].map((p) => p.file)).size,
    systemsProblem: core.systemsProblem,
  };
}
