// `runbook-live docs-check [DIR] [--json] [--strict] [--format text|github] [--sarif FILE]`
// (`npm run docs:check`): every finding of the docs folder against its own contract. Exit 0
// when there is no error (warnings count too with --strict), 1 when there is, 2 when the
// folder or its contract cannot be used.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DocsRepository, RepositoryMismatchError, loadDocsSettings, summarizeFindings, type DocSet } from '../lib/docs/index.ts';
import type { CommandIo } from './command-io.ts';
import { githubAnnotations, textReport } from './docs-check-report.ts';
import { sarifLog } from './sarif-report.ts';

export const DOCS_CHECK_USAGE =
  'Usage: npm run docs:check -- [DIR] [--json] [--strict] [--format text|github] [--sarif FILE]   (or: runbook-live docs-check …)';

interface DocsCheckOptions {
  dir: string | null;
  json: boolean;
  strict: boolean;
  format: 'text' | 'github';
  sarif: string | null;
}

/** Validates a docs folder against its contract; resolves to the exit code. */
export async function runDocsCheckCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const usage = (message: string) => {
    io.err(`docs:check: ${message}\n${DOCS_CHECK_USAGE}\n`);
    return 2;
  };
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${DOCS_CHECK_USAGE}\n`);
    return 0;
  }
  const options = parseOptions(args);
  if (typeof options === 'string') return usage(options);
  const dir = path.resolve(io.cwd, options.dir ?? (io.env.DOCS_DIR || './content'));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    io.err(`docs:check: ${dir} is not a folder. Pass the docs folder as the first argument or set DOCS_DIR.\n`);
    return 2;
  }
  const settingsFile = path.resolve(io.cwd, io.env.SYSTEMS_CONFIG || './runbook-live.yaml');
  const { settings, problems } = loadDocsSettings(settingsFile);
  if (problems.length > 0) return usage(`the systems configuration cannot be used:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  let set: DocSet;
  try {
    set = await new DocsRepository(dir, { repoDir: io.env.REPO_DIR ? path.resolve(io.cwd, io.env.REPO_DIR) : null, rules: settings.rules, maxDocBytes: settings.maxDocBytes }).current();
  } catch (error) {
    if (error instanceof RepositoryMismatchError) return usage(error.message);
    throw error;
  }
  const summary = summarizeFindings(set.findings);
  const contract = { source: set.contract.source, usable: set.contract.usable, problems: set.findings.filter((f) => f.rule === 'contract-invalid').map((f) => f.message) };

  if (options.sarif) {
    const file = path.resolve(io.cwd, options.sarif);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(sarifLog(set.findings, set), null, 2)}\n`);
  }
  if (options.json) {
    io.out(`${JSON.stringify({ repository: { root: set.location.root, docsPath: set.location.docsPath }, docsDir: dir, docs: set.docs.length, contract, summary, findings: set.findings, violations: set.violations, brokenLinks: set.broken }, null, 2)}\n`);
  } else if (options.format === 'github') {
    io.out(githubAnnotations(set.findings));
  } else {
    io.out(textReport(set.findings));
  }
  io.err(summaryLine(set, summary));

  if (!set.contract.usable) return 2;
  return summary.errors > 0 || (options.strict && summary.warnings > 0) ? 1 : 0;
}

function parseOptions(args: readonly string[]): DocsCheckOptions | string {
  const options: DocsCheckOptions = { dir: null, json: false, strict: false, format: 'text', sarif: null };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? args[++i];
    if (flag === '--json') options.json = true;
    else if (flag === '--strict') options.strict = true;
    else if (flag === '--format') {
      const format = value();
      if (format !== 'text' && format !== 'github') return `--format takes text or github, not '${format ?? ''}'`;
      options.format = format;
    } else if (flag === '--sarif') {
      const file = value();
      if (!file) return '--sarif needs the file to write, e.g. --sarif docs.sarif';
      options.sarif = file;
    } else if (flag.startsWith('-')) return `unknown option ${arg}`;
    else if (options.dir === null) options.dir = arg;
    else return `one docs folder only; got '${options.dir}' and '${arg}'`;
  }
  return options;
}

function summaryLine(set: DocSet, summary: ReturnType<typeof summarizeFindings>): string {
  const contract = set.contract.source ?? 'the built-in default contract (this folder has no _meta/docs-contract.yaml)';
  const head = set.contract.usable
    ? `${set.docs.length} docs checked against ${contract}: ${summary.errors} errors, ${summary.warnings} warnings`
    : `the docs contract ${set.contract.source} cannot be used, so no doc was checked: fix the problems above`;
  const rules = Object.entries(summary.byRule)
    .sort(([, a], [, b]) => (a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1))
    .map(([rule, { severity, count }]) => `  ${severity.padEnd(7)} ${rule}: ${count}`);
  return `${[head, ...rules].join('\n')}\n`;
}
