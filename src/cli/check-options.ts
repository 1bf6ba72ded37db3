import { parseArgs } from 'node:util';

/** What `runbook-live check` was asked to do. */
export interface CheckOptions {
  all: boolean;
  /** Check ids or unique block names, in the order given, without repeats. */
  ids: string[];
  target: string | null;
  /** `--var NAME=VALUE` overrides; a repeated name takes the last value. */
  vars: Record<string, string>;
  json: boolean;
  junit: string | null;
  help: boolean;
}

export const CHECK_USAGE = `Usage: runbook-live check [--all | <check id>…] [--target NAME] [--var NAME=VALUE]… [--json] [--junit FILE]

Runs contract checks (and procedures marked check) headless, the way the Run button does,
and reports each assertion. A check id is a full block id (RUN-runner-image/contract-smoke)
or a block name that is unique across docs (contract-smoke).

Options:
  --all              run every check in every doc
  --target NAME      the Docker target to run on (default: each check's first target)
  --var NAME=VALUE   override a declared variable (repeatable); validated like the Run form
  --json             print one JSON object instead of the summary
  --junit FILE       also write a JUnit XML report to FILE
  -h, --help         show this help

Environment: DOCS_DIR (./content), DATA_DIR (./data), SYSTEMS_CONFIG (./runbook-live.yaml).
Exit codes: 0 every selected check passed, 1 a check failed or could not run, 2 usage or
configuration error.`;

/** The command line is wrong; the message says how. */
export class UsageError extends Error {
  readonly code = 'Usage';
}

/**
 * The options `check` and `run` share, checked the same way: `--var NAME=VALUE` pairs
 * (returned as a map), and `--target` and `--junit` given a value.
 */
export function checkedHeadlessOptions(assignments: readonly string[], given: { target: string | null; junit: string | null }): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var ${assignment}: write --var NAME=VALUE`);
    vars[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  if (given.target === '') throw new UsageError('--target needs a target name');
  if (given.junit === '') throw new UsageError('--junit needs a file name');
  return vars;
}

/** Parses the arguments after `check`. Throws UsageError for anything malformed. */
export function parseCheckOptions(args: readonly string[]): CheckOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        all: { type: 'boolean', default: false },
        target: { type: 'string' },
        var: { type: 'string', multiple: true, default: [] },
        json: { type: 'boolean', default: false },
        junit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--jsn'" or "Option '--target <value>' argument missing".
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  const options: CheckOptions = {
    all: values.all,
    ids: [...new Set(positionals)],
    target: values.target ?? null,
    vars: {},
    json: values.json,
    junit: values.junit ?? null,
    help: values.help,
  };
  if (options.help) return options;
  options.vars = checkedHeadlessOptions(values.var, options);
  if (options.all && options.ids.length > 0) throw new UsageError(`pass either --all or check ids, not both (got --all and ${options.ids.join(', ')})`);
  if (!options.all && options.ids.length === 0) throw new UsageError('name the checks to run, or pass --all');
  return options;
}
