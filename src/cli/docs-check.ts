// `npm run docs:check -- [DIR] [--json]`: every contract violation and broken link, one per
// line; exit 1 when there is any, 0 when there is none, 2 when the folder cannot be read.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DocsRepository } from '../lib/docs/docs-repository.ts';
import { formatBrokenLink, formatViolation } from '../lib/docs/format-problems.ts';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const unknown = args.filter((a) => a.startsWith('-') && a !== '--json');
if (unknown.length > 0) {
  console.error(`docs:check: unknown option ${unknown.join(', ')}. Usage: npm run docs:check -- [DIR] [--json]`);
  process.exit(2);
}
const dir = path.resolve(args.find((a) => !a.startsWith('-')) ?? process.env.DOCS_DIR ?? './content');
if (!existsSync(dir) || !statSync(dir).isDirectory()) {
  console.error(`docs:check: ${dir} is not a folder. Pass the docs folder as the first argument or set DOCS_DIR.`);
  process.exit(2);
}

const set = await new DocsRepository(dir).current();
const problems = set.violations.length + set.broken.length;
if (asJson) {
  console.log(JSON.stringify({ docsDir: dir, docs: set.docs.length, contract: set.contract.source ?? 'built-in default', violations: set.violations, brokenLinks: set.broken }, null, 2));
} else {
  for (const violation of set.violations) console.log(formatViolation(violation));
  for (const link of set.broken) console.log(formatBrokenLink(link));
  console.error(`${set.docs.length} docs checked against ${set.contract.source ?? 'the built-in default contract'}: ${set.violations.length} violations, ${set.broken.length} broken links`);
}
process.exit(problems > 0 ? 1 : 0);
