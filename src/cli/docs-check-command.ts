// `runbook-live docs-check [DIR] [--json]` (`npm run docs:check`): every contract violation and
// broken link, one per line; exit 1 when there is any, 0 when there is none, 2 when the folder
// cannot be read.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DocsRepository, formatBrokenLink, formatViolation } from '../lib/docs/index.ts';
import type { CommandIo } from './command-io.ts';

export const DOCS_CHECK_USAGE = 'Usage: npm run docs:check -- [DIR] [--json]   (or: runbook-live docs-check [DIR] [--json])';

/** Validates a docs folder against its contract; resolves to the exit code. */
export async function runDocsCheckCommand(args: readonly string[], io: CommandIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${DOCS_CHECK_USAGE}\n`);
    return 0;
  }
  const asJson = args.includes('--json');
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--json');
  if (unknown.length > 0) {
    io.err(`docs:check: unknown option ${unknown.join(', ')}. ${DOCS_CHECK_USAGE}\n`);
    return 2;
  }
  const dir = path.resolve(io.cwd, args.find((a) => !a.startsWith('-')) ?? (io.env.DOCS_DIR || './content'));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    io.err(`docs:check: ${dir} is not a folder. Pass the docs folder as the first argument or set DOCS_DIR.\n`);
    return 2;
  }

  const set = await new DocsRepository(dir).current();
  const problems = set.violations.length + set.broken.length;
  if (asJson) {
    io.out(`${JSON.stringify({ docsDir: dir, docs: set.docs.length, contract: set.contract.source ?? 'built-in default', violations: set.violations, brokenLinks: set.broken }, null, 2)}\n`);
  } else {
    for (const violation of set.violations) io.out(`${formatViolation(violation)}\n`);
    for (const link of set.broken) io.out(`${formatBrokenLink(link)}\n`);
    io.err(`${set.docs.length} docs checked against ${set.contract.source ?? 'the built-in default contract'}: ${set.violations.length} violations, ${set.broken.length} broken links\n`);
  }
  return problems > 0 ? 1 : 0;
}
