import { DOCS_RULES, RULE_DESCRIPTIONS, type DocSet, type Finding } from '../lib/docs/index.ts';

/**
 * A SARIF 2.1.0 log of the findings, for code-scanning tools: one run of the `runbook-live`
 * driver listing every rule, one result per finding at its repository-relative location.
 */
export function sarifLog(findings: readonly Finding[], set: Pick<DocSet, 'location'>): object {
  const rules = Object.keys(DOCS_RULES) as Array<keyof typeof DOCS_RULES>;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'runbook-live',
            rules: rules.map((id) => ({ id, shortDescription: { text: RULE_DESCRIPTIONS[id] }, defaultConfiguration: { level: DOCS_RULES[id] } })),
          },
        },
        // Paths are relative to the repository root, which is where a scanner checks out.
        originalUriBaseIds: { SRCROOT: { uri: `file://${set.location.root.replace(/\/?$/, '/')}` } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.indexOf(f.rule),
          level: f.severity,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.path, uriBaseId: 'SRCROOT' },
                ...(f.line ? { region: { startLine: f.line, ...(f.column ? { startColumn: f.column } : {}) } } : {}),
              },
            },
          ],
        })),
      },
    ],
  };
}
