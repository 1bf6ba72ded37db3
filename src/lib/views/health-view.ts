import type { Core } from '../app/index.ts';
import { summarizeFindings, type BrokenLink, type DocSet, type Finding, type Violation } from '../docs/index.ts';
import { troubleshootingSectionsOf, type Incident } from '../incidents/index.ts';
import { brokenCitations, brokenDeclarations } from '../procedures/index.ts';
import type { RetentionStatus } from '../runs/index.ts';

/** Everything the docs health page renders. */
export interface HealthView {
  contractSource: string;
  docCount: number;
  violations: Violation[];
  brokenLinks: BrokenLink[];
  citations: ReturnType<typeof brokenCitations>;
  /** Fixture and schema blocks that cannot be used; checks citing them cannot run. */
  declarations: ReturnType<typeof brokenDeclarations>;
  /** Failures no troubleshooting section explains: gaps in the runbooks. */
  unclassified: Incident[];
  /** Problems with `Covers:` annotations. */
  coversProblems: string[];
  /** Check ids in maintenance windows that name no block and no doc: typos that cover nothing. */
  maintenanceProblems: string[];
  /** Violations per rule, most frequent first. */
  byRule: Array<{ rule: string; count: number }>;
  filesWithProblems: number;
  systemsProblem: string | null;
  /** False when the folder's contract cannot be used; then only its problems are listed. */
  contractUsable: boolean;
  /** Findings grouped by severity, then by rule, most frequent first. */
  bySeverity: Array<{ severity: Finding['severity']; count: number; rules: Array<{ rule: string; findings: Finding[] }> }>;
  /** The run database: its size, the oldest run it still keeps, the retention policy and the last prune. */
  runStore: RetentionStatus & { size: string };
  /** Webhook deliveries per state, and why they are held (a secret that cannot be read), if they are. */
  webhooks: { held: string | null; pending: number; delivered: number; failed: number };
}

/** The docs health page: contract violations, broken links and citations, unexplained failures. */
export async function healthView(core: Core): Promise<HealthView> {
  const set = await core.docs.current();
  const retention = core.retention.status();
  const byRule = new Map<string, number>();
  for (const v of set.violations) byRule.set(v.rule, (byRule.get(v.rule) ?? 0) + 1);
  return {
    contractSource: set.contract.source ?? 'built-in default',
    docCount: set.docs.length,
    violations: set.violations,
    brokenLinks: set.broken,
    citations: brokenCitations(set, core.catalog),
    declarations: brokenDeclarations(set, core.catalog),
    unclassified: core.incidents.list({ limit: 1000 }).filter((incident) => incident.section === null),
    coversProblems: (await troubleshootingSectionsOf(set.docs)).flatMap((section) => section.problems),
    maintenanceProblems: unknownMaintenanceChecks(core, set),
    byRule: [...byRule].sort((a, b) => b[1] - a[1]).map(([rule, count]) => ({ rule, count })),
    filesWithProblems: new Set([...set.violations, ...set.broken].map((p) => p.file)).size,
    // An unusable auth section is a configuration problem like any other, shown in the same place.
    systemsProblem: [core.systemsProblem, core.authProblem].filter(Boolean).join('\n\n') || null,
    contractUsable: set.contract.usable,
    bySeverity: groupFindings(set.findings),
    runStore: { ...retention, size: formatBytes(retention.databaseBytes) },
    webhooks: { held: core.webhooks.held, ...core.webhooks.counts() },
  };
}

function unknownMaintenanceChecks(core: Core, set: DocSet): string[] {
  const named = core.systems.maintenance?.namedChecks() ?? [];
  if (named.length === 0) return [];
  const known = new Set(set.docs.flatMap((doc) => [doc.id, ...core.catalog.blocksOf(doc, set).map((block) => block.id)]));
  return named
    .filter(({ check }) => !known.has(check))
    .map(({ source, check }) => `${source}.checks: '${check}' is neither a block id nor a doc id in the docs, so this window covers nothing for it; write a block id (RUN-doc/name) or a doc id`);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function groupFindings(findings: Finding[]): HealthView['bySeverity'] {
  const summary = summarizeFindings(findings);
  return (['error', 'warning'] as const)
    .map((severity) => ({
      severity,
      count: severity === 'error' ? summary.errors : summary.warnings,
      rules: Object.entries(summary.byRule)
        .filter(([, entry]) => entry.severity === severity)
        .sort(([, a], [, b]) => b.count - a.count)
        .map(([rule]) => ({ rule, findings: findings.filter((f) => f.rule === rule) })),
    }))
    .filter((group) => group.count > 0);
}
