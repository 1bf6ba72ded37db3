import { parseArgs } from 'node:util';
import { checkedHeadlessOptions, UsageError } from './check-options.ts';

/** What `runbook-live run` was asked to do. */
export interface RunOptions {
  /** Doc ids, in the order given, without repeats. */
  docIds: string[];
  target: string | null;
  /** `--var NAME=VALUE` overrides; a repeated name takes the last value. */
  vars: Record<string, string>;
  keepGoing: boolean;
  json: boolean;
  junit: string | null;
  help: boolean;
}

export const RUN_USAGE = `Usage: runbook-live run <doc id>… [--target NAME] [--var NAME=VALUE]… [--keep-going] [--json] [--junit FILE]

Runs whole runbooks headless: every runnable block of each doc in document order, the way
the Run runbook button does, stopping at the first step that does not pass. Manual steps
are listed as skipped with their reasons. Runbooks run one after another, in the order given.

Options:
  --target NAME      the Docker target to run on (default: each runbook's first target)
  --var NAME=VALUE   override a declared variable (repeatable); each step that uses it gets it
  --keep-going       run the later steps even after one fails
  --json             print one JSON object instead of the summary
  --junit FILE       also write a JUnit XML report to FILE (one test case per step)
  -h, --help         show this help

Environment: DOCS_DIR (./content), DATA_DIR (./data), SYSTEMS_CONFIG (./runbook-live.yaml).
Exit codes: 0 every step that could run passed, 1 a step failed or could not run, 2 usage
or configuration error.`;

/** Parses the arguments after `run`. Throws UsageError for anything malformed. */
export function parseRunOptions(args: readonly string[]): RunOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string' },
        var: { type: 'string', multiple: true, default: [] },
        'keep-going': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        junit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  const options: RunOptions = {
    docIds: [...new Set(positionals)],
    target: values.target ?? null,
    vars: {},
    keepGoing: values['keep-going'],
    json: values.json,
    junit: values.junit ?? null,
    help: values.help,
  };
  if (options.help) return options;
  options.vars = checkedHeadlessOptions(values.var, options);
  if (options.docIds.length === 0) throw new UsageError('name the runbooks to run by doc id (RUN-runner-image)');
  return options;
}
