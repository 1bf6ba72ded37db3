import type { Finding } from '../lib/docs/index.ts';

/** One line per finding, errors first: `path:line: severity [rule] message`. */
export function textReport(findings: readonly Finding[]): string {
  return ordered(findings)
    .map((f) => `${f.path}${f.line ? `:${f.line}` : ''}: ${f.severity} [${f.rule}] ${f.message}\n`)
    .join('');
}

/**
 * GitHub Actions workflow commands, one per finding, so findings show as annotations on the
 * pull request: `::error file=docs/adr/x.md,line=3,title=status-not-allowed::…`.
 */
export function githubAnnotations(findings: readonly Finding[]): string {
  return ordered(findings)
    .map((f) => {
      const properties = [`file=${escapeProperty(f.path)}`, ...(f.line ? [`line=${f.line}`] : []), ...(f.column ? [`col=${f.column}`] : []), `title=${escapeProperty(f.rule)}`];
      return `::${f.severity} ${properties.join(',')}::${escapeData(f.message)}\n`;
    })
    .join('');
}

function ordered(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

// The escaping GitHub's toolkit applies (@actions/core `issueCommand`).
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
