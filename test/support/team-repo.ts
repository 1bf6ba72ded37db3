import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prng } from './prng.ts';

// A real team's repository, as runbook-live meets it in the wild: a git checkout of
// "Ledgerline" (an invented ledger and payouts platform) with code, scripts, an agent
// hand-off file and a docs/ folder of about 400 docs under the team's own hand-written
// contract. The generated bulk is valid; every deliberate problem sits in a named file
// (TEAM_REPO_FILES), so `expected` reads as a short list of verdicts.

/** What to build on top of the ordinary repository. */
export interface TeamRepoOptions {
  /** About how many generated docs (400 is a mid-sized team; the bench asks for 1,000 and 5,000). */
  docs?: number;
  /** Adds three docs that break the contract (errors under the default severities). */
  withErrors?: boolean;
  /** Adds link-audit reports mentioning this many ids no doc has (to make the output big). */
  extraBrokenLinks?: number;
  /** Runs `git init` and commits everything (default); false leaves a plain folder, for REPO_DIR. */
  git?: boolean;
}

/** The repository on disk and the verdict docs-check must reach on it. */
export interface TeamRepo {
  /** Repository root (real path). */
  root: string;
  /** `<root>/docs`. */
  docsDir: string;
  /** Repository-relative path → sorted `severity rule` strings, for every file that has findings. */
  expected: Record<string, string[]>;
  /** Every id a doc in the repository has. */
  ids: ReadonlySet<string>;
  /** Repository-relative paths of the docs that need frontmatter (every .md not exempt). */
  docFiles: string[];
  /** Repository-relative paths of the exempt .md files. */
  exemptFiles: string[];
  /** What the stale-links runbook names that does not exist, as written (wrapped paths joined). */
  missingTargets: string[];
  /** Writes a file at a repository-relative path (for tests that spoil the repo). */
  write(repoPath: string, content: string): void;
  /** Removes a file at a repository-relative path. */
  remove(repoPath: string): void;
  cleanup(): void;
}

/** The named fixture files, repository-relative. */
export const TEAM_REPO_FILES = {
  contract: 'docs/_meta/docs-contract.yaml',
  // One doc per YAML construct a team's validator (PyYAML safe_load) reads; all valid.
  quotedTitleWrapped: 'docs/adr/adr-0500-nightly-export-window.md',
  flowSequenceWrapped: 'docs/backlog/epics/epic-50-bank-feed-resilience.md',
  plainMultiline: 'docs/prd/prd-500-daily-payout-batching.md',
  blockScalar: 'docs/reference/ref-500-settlement-glossary.md',
  comments: 'docs/runbooks/runbook-webhook-replay.md',
  quotedDates: 'docs/backlog/stories/story-500-statement-download.md',
  // Every kind of reference that resolves, outside the docs folder included; no findings.
  goodReferences: 'docs/runbooks/runbook-ledger-failover.md',
  // Every kind of reference that does not resolve: six broken links.
  staleLinks: 'docs/runbooks/runbook-legacy-import-cleanup.md',
  // Two docs with one id; the second (in path order) gets duplicate-id.
  duplicateFirst: 'docs/backlog/stories/story-501-csv-export.md',
  duplicateSecond: 'docs/backlog/stories/story-501-export-csv.md',
  // Only with `withErrors`.
  statusNotAllowed: 'docs/adr/adr-0501-queue-broker.md',
  unreadable: 'docs/backlog/stories/story-502-unclosed-links.md',
  dateInvalid: 'docs/prd/prd-501-bulk-refunds.md',
} as const;

/** Builds the repository in a temp folder; see TeamRepo. */
export function makeTeamRepo(options: TeamRepoOptions = {}): TeamRepo {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'runbook-live-team-repo-')));
  const files = new Map<string, string>();
  const put = (repoPath: string, content: string) => void files.set(repoPath, content);

  for (const [repoPath, content] of Object.entries(REPOSITORY_FILES)) put(repoPath, content);
  put(TEAM_REPO_FILES.contract, CONTRACT);

  const bulk = planBulk(options.docs ?? 400);
  const pool = bulk.map((doc) => doc.id);
  const rng = prng(0x1ed9e1);
  bulk.forEach((doc, i) => put(doc.file, renderBulkDoc(doc, i, bulk, pool, rng)));
  TEMPLATE_KINDS.forEach((kind, i) => put(`docs/templates/${kind}-template.md`, templateDoc(kind, i)));
  const named = namedDocs(bulk, options.withErrors === true);
  for (const doc of named) put(doc.file, doc.content);
  for (const [repoPath, content] of Object.entries(exemptFiles(bulk))) put(repoPath, content);
  const noise = noiseReports(options.extraBrokenLinks ?? 0);
  for (const report of noise) put(report.file, report.content);

  for (const [repoPath, content] of files) writeAt(root, repoPath, content);
  if (options.git !== false) commitAll(root);

  const expected: Record<string, string[]> = {};
  for (const doc of [...named, ...noise]) if (doc.findings.length > 0) expected[doc.file] = [...doc.findings].sort();
  expected[TEAM_REPO_FILES.contract] = ['warning unknown-contract-key', 'warning unknown-contract-key'];

  const exempt = Object.keys(exemptFiles(bulk));
  return {
    root,
    docsDir: path.join(root, 'docs'),
    expected,
    ids: new Set([...pool, ...named.flatMap((doc) => (doc.id ? [doc.id] : [])), ...noise.map((r) => r.id), ...TEMPLATE_IDS]),
    docFiles: [...files.keys()].filter((p) => p.startsWith('docs/') && p.endsWith('.md') && !exempt.includes(p)).sort(),
    exemptFiles: exempt.sort(),
    missingTargets: [...STALE_TARGETS],
    write: (repoPath, content) => writeAt(root, repoPath, content),
    remove: (repoPath) => rmSync(path.join(root, repoPath), { force: true }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Counts `severity rule` strings per file, the shape `expected` uses, from docs-check's JSON findings. */
export function verdictsOf(findings: ReadonlyArray<{ path: string; severity: string; rule: string }>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const finding of findings) (out[finding.path] ??= []).push(`${finding.severity} ${finding.rule}`);
  for (const list of Object.values(out)) list.sort();
  return out;
}

// ---------------------------------------------------------------------------------------------
// The repository around the docs

/** Writes one file, making its folders. */
function writeAt(root: string, repoPath: string, content: string): void {
  const file = path.join(root, ...repoPath.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** A real commit, so the repository root is found the way it is in a checkout (`.git`). */
function commitAll(root: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  git('-c', 'init.defaultBranch=main', 'init', '-q');
  git('add', '-A');
  git('-c', 'user.email=t@e', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'init');
}

const REPOSITORY_FILES: Record<string, string> = {
  'README.md': `# Ledgerline\n\nThe ledger, payouts and bank-feed services behind the marketplace.\nDocs live in \`docs/\`; CI runs \`scripts/check_docs.py\` on every pull request.\n`,
  '.gitignore': 'node_modules/\n.venv/\n__pycache__/\n',
  '.agent/handoff.md': `# Hand-off\n\nLast shift: payouts replica lag alarm flapped twice, silenced until 06:00.\nNext: confirm the bank-feed retry change is deployed before the Monday batch.\n`,
  'scripts/check_docs.py': `#!/usr/bin/env python3
"""The team's own docs validator: reads docs/_meta/docs-contract.yaml and every doc's frontmatter."""
import pathlib
import sys

import yaml

CONTRACT = pathlib.Path("docs/_meta/docs-contract.yaml")


def main() -> int:
    contract = yaml.safe_load(CONTRACT.read_text())
    problems = 0
    for doc in sorted(pathlib.Path("docs").rglob("*.md")):
        text = doc.read_text()
        if text.startswith("---\\n"):
            head = text.split("---\\n", 2)[1]
            yaml.safe_load(head)
    print(f"{len(contract['types'])} types checked", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
`,
  'scripts/release.sh': '#!/usr/bin/env bash\nset -euo pipefail\ngit tag "v$1" && git push origin "v$1"\n',
  'src/ledger/__init__.py': '',
  'src/ledger/reconcile.py': 'def reconcile(entries, statement):\n    """Match ledger entries to bank statement lines by amount and reference."""\n    return [e for e in entries if e.reference in statement]\n',
  'src/ledger/README.md': '# ledger\n\nDouble-entry ledger. Amounts are integer minor units; never floats.\n',
  'src/bankfeeds/client.py': 'class BankFeedClient:\n    """Pulls statement lines from the bank aggregator, with retries."""\n',
};

// The team's contract, written by hand: repository-relative folders (`docs/adr`) next to a
// docs-relative one (`runbooks`), the delimiters key, and two keys runbook-live does not
// know (`validator`, `types.story.board`), each a warning and never a reason to fall back.
const CONTRACT = String.raw`# Docs contract for the Ledgerline repository.
# CI enforces it with scripts/check_docs.py; runbook-live reads the same file.
version: 3
validator: scripts/check_docs.py

allowed_top_level: [adr, prd, backlog, releases, reference, runbooks, templates, _meta]

frontmatter_exempt:
  - docs/index.md          # the landing page, plain markdown
  - README.md              # docs/README.md, written relative to this folder
  - backlog/README.md
  - docs/reference/reports/raw/**
  - docs/_meta/**

frontmatter:
  delimiters: ["---", "---"]
  common_required: [type, id, title, status, owners, created]
  common_optional: [updated, links, tags, summary]

types:
  adr:
    folder: docs/adr
    filename_regex: '^adr-\d{4}-[a-z0-9][a-z0-9-]*\.md$'
    id_regex: '^ADR-\d{4}$'
    status_allowed: [proposed, accepted, deprecated, superseded]
    required: [deciders]
    optional: [supersedes, superseded_by]
  prd:
    folder: docs/prd
    filename_regex: '^prd-\d{3}-[a-z0-9][a-z0-9-]*\.md$'
    id_regex: '^PRD-\d{3}$'
    status_allowed: [draft, review, approved, shipped]
    required: []
    optional: [stakeholders]
  epic:
    folder: docs/backlog/epics
    filename_regex: '^epic-\d{2,3}-[a-z0-9][a-z0-9-]*\.md$'
    id_regex: '^EPIC-\d{2,3}$'
    status_allowed: [planned, active, done, cancelled]
    required: []
    optional: [prd, target_release]
  story:
    folder: docs/backlog/stories
    board: LEDGER
    filename_regex: '^story-\d{3,4}-[a-z0-9][a-z0-9-]*\.md$'
    id_regex: '^STORY-\d{3,4}$'
    status_allowed: [todo, in-progress, review, done, dropped]
    required: [epic]
    optional: [points, sprint]
  release:
    folder: docs/releases
    filename_regex: '^rel-\d+\.\d+\.\d+\.md$'
    id_regex: '^REL-\d+\.\d+\.\d+$'
    status_allowed: [planned, released, yanked]
    required: [version]
    optional: [ships]
  reference:
    folder: docs/reference
    filename_regex: '^(ref|report)-[a-z0-9][a-z0-9-]*\.md$'
    id_regex: '^REF-\d{3,4}$'
    status_allowed: [draft, active, deprecated]
    required: []
    optional: [source]
  runbook:
    folder: runbooks
    filename_regex: '^runbook-[a-z0-9][a-z0-9-]*\.md$'
    id_regex: '^RUN-[a-z0-9][a-z0-9-]*$'
    status_allowed: [draft, active, deprecated]
    required: [service]
    optional: [oncall, severity]
  template:
    folder: docs/templates
    filename_regex: '^[a-z]+-template\.md$'
    id_regex: '^TPL-[a-z]+$'
    status_allowed: [active]
    required: []
    optional: [applies_to]
`;

// ---------------------------------------------------------------------------------------------
// The generated bulk: valid docs, each with about five id mentions and three path references

interface PlannedDoc {
  type: 'adr' | 'prd' | 'epic' | 'story' | 'release' | 'reference' | 'report' | 'runbook';
  id: string;
  /** Repository-relative. */
  file: string;
  title: string;
  /** Which bank entry the prose uses. */
  n: number;
}

const SERVICES = ['ledger-api', 'bank-feeds', 'payouts', 'reconciler', 'statements', 'webhooks', 'fx-rates', 'audit-log', 'billing', 'identity', 'exports', 'notifications'];
const ACTIONS = ['failover', 'restart', 'drain', 'rotate-keys', 'backfill', 'replay', 'scale-out', 'restore', 'purge-queue', 'rollback', 'reindex', 'pause'];
const TEAMS = ['team-ledger', 'team-payouts', 'team-bankfeeds', 'team-integrations', 'team-exports', 'team-platform', 'team-finance-ops'];
const PEOPLE = ['amara', 'jonas', 'li-wei', 'priya', 'tomasz', 'ines', 'kofi', 'sofia'];
const TEMPLATE_KINDS = ['adr', 'prd', 'epic', 'story', 'runbook', 'release'];
const TEMPLATE_IDS = TEMPLATE_KINDS.map((kind) => `TPL-${kind}`);

// Shares of the bulk by type, roughly what a product team's docs folder holds.
const SHARES: Array<[PlannedDoc['type'], number]> = [
  ['adr', 0.15], ['prd', 0.05], ['epic', 0.06], ['story', 0.4], ['release', 0.06], ['reference', 0.1], ['report', 0.08], ['runbook', 0.1],
];

// Numbers the named fixture files use, so the bulk never takes their ids at any size.
const RESERVED: Partial<Record<PlannedDoc['type'], number[]>> = { adr: [500, 501], prd: [500, 501], epic: [50], story: [500, 501, 502], reference: [500] };

const ADR_TITLES = [
  'Use idempotency keys on every {svc} write',
  'Keep {svc} state in Postgres, not Redis',
  'Retry {svc} calls with capped exponential backoff',
  'Publish {svc} events through an outbox table',
  'Version the {svc} API in the URL path',
  'Store money in {svc} as integer minor units',
  'Run {svc} migrations before the deploy, never during it',
  'Give {svc} its own read replica',
  'Sign {svc} webhooks with rotating HMAC keys',
  'Move {svc} schedules from cron to the job queue',
];
const PRD_TITLES = ['Instant payouts for verified sellers', 'Statements finance can hand to auditors', 'Explainable payout holds', 'Multi-currency balances', 'Self-serve bank account changes', 'Refunds that never overdraw a seller', 'Usage-based billing for API partners', 'Faster month-end close'];
const EPIC_TITLES = ['Payout holds you can explain', 'Bank feed retries without duplicates', 'Statement exports at scale', 'FX rates from a second provider', 'Audit log search', 'Webhook delivery guarantees', 'Ledger API v3', 'Billing for API partners'];
const STORY_TITLES = [
  'As a finance admin I can download monthly statements as PDF',
  'As a seller I can see why a payout is on hold',
  'As a support agent I can retry a failed bank feed sync',
  'As an auditor I can filter ledger entries by currency',
  'As a finance admin I can export the ledger for a date range',
  'As a seller I get an email when a payout is sent',
  'As an operator I can pause payouts for one seller',
  'As a partner I can see my API usage for the current month',
  'As a support agent I can look up a webhook delivery by event',
  'As a finance admin I can lock a closed month',
];
const REFERENCE_TITLES = ['{svc} API reference', '{svc} data model', 'Error codes returned by {svc}', '{svc} configuration keys', '{svc} dashboards and alerts'];
const REPORT_KINDS = ['load-test', 'incident-review', 'latency-report', 'capacity-plan'];
const STATUSES: Record<PlannedDoc['type'], string[]> = {
  adr: ['accepted', 'accepted', 'proposed', 'superseded', 'deprecated'],
  prd: ['approved', 'shipped', 'review', 'draft'],
  epic: ['active', 'done', 'planned', 'cancelled'],
  story: ['done', 'done', 'in-progress', 'todo', 'review', 'dropped'],
  release: ['released', 'released', 'released', 'planned', 'yanked'],
  reference: ['active', 'active', 'draft', 'deprecated'],
  report: ['active', 'active', 'deprecated'],
  runbook: ['active', 'active', 'draft', 'deprecated'],
};

/** Ids, files and titles of the bulk docs, before any prose is written (prose mentions them all). */
function planBulk(total: number): PlannedDoc[] {
  const docs: PlannedDoc[] = [];
  for (const [type, share] of SHARES) {
    const count = Math.max(1, Math.round(total * share));
    numbers(count, RESERVED[type === 'report' ? 'reference' : type] ?? []).forEach((num, i) => docs.push(planOne(type, num, i)));
  }
  return docs;
}

/** One planned doc of a type: its number decides the id, the file name follows the team's scheme. */
function planOne(type: PlannedDoc['type'], num: number, i: number): PlannedDoc {
  const svc = SERVICES[i % SERVICES.length]!;
  const fill = (title: string) => title.replaceAll('{svc}', svc);
  switch (type) {
    case 'adr': {
      const title = fill(ADR_TITLES[i % ADR_TITLES.length]!);
      return { type, n: i, title, id: `ADR-${pad(num, 4)}`, file: `docs/adr/adr-${pad(num, 4)}-${slug(title)}.md` };
    }
    case 'prd': {
      const title = PRD_TITLES[i % PRD_TITLES.length]!;
      return { type, n: i, title, id: `PRD-${pad(num, 3)}`, file: `docs/prd/prd-${pad(num, 3)}-${slug(title)}.md` };
    }
    case 'epic': {
      const title = EPIC_TITLES[i % EPIC_TITLES.length]!;
      return { type, n: i, title, id: `EPIC-${pad(num, 2)}`, file: `docs/backlog/epics/epic-${pad(num, 2)}-${slug(title)}.md` };
    }
    case 'story': {
      const title = STORY_TITLES[i % STORY_TITLES.length]!;
      return { type, n: i, title, id: `STORY-${pad(num, 3)}`, file: `docs/backlog/stories/story-${pad(num, 3)}-${slug(title.replace(/^As an? [a-z ]+? I (?:can|get) /, ''))}.md` };
    }
    case 'release': {
      const version = `${1 + Math.floor(i / 8)}.${i % 8}.0`;
      return { type, n: i, title: `Ledgerline ${version}`, id: `REL-${version}`, file: `docs/releases/rel-${version}.md` };
    }
    case 'reference': {
      const title = fill(REFERENCE_TITLES[i % REFERENCE_TITLES.length]!);
      return { type, n: i, title, id: `REF-${pad(num, 3)}`, file: `docs/reference/ref-${pad(num, 3)}-${slug(title)}.md` };
    }
    case 'report': {
      const kind = REPORT_KINDS[i % REPORT_KINDS.length]!;
      const title = `${kind.replace('-', ' ')} for ${svc}`.replace(/^./, (c) => c.toUpperCase());
      return { type, n: i, title, id: `REF-${2000 + num}`, file: `docs/reference/reports/report-${pad(num, 3)}-${svc}-${kind}.md` };
    }
    case 'runbook': {
      // Service × action pairs are unique for the first 144; beyond that a round number follows.
      const action = ACTIONS[Math.floor(i / SERVICES.length) % ACTIONS.length]!;
      const round = Math.floor(i / (SERVICES.length * ACTIONS.length));
      const name = `${svc}-${action}${round > 0 ? `-r${round + 1}` : ''}`;
      return { type, n: i, title: `${action.replace('-', ' ')} ${svc}`.replace(/^./, (c) => c.toUpperCase()), id: `RUN-${name}`, file: `docs/runbooks/runbook-${name}.md` };
    }
  }
}

const typeLists = new WeakMap<PlannedDoc[], Partial<Record<PlannedDoc['type'], PlannedDoc[]>>>();

/** The bulk grouped by type, computed once per bulk (big corpora ask for it thousands of times). */
function byType(bulk: PlannedDoc[]): Partial<Record<PlannedDoc['type'], PlannedDoc[]>> {
  let lists = typeLists.get(bulk);
  if (!lists) {
    lists = {};
    for (const doc of bulk) (lists[doc.type] ??= []).push(doc);
    typeLists.set(bulk, lists);
  }
  return lists;
}

/** The prose, frontmatter included, of one bulk doc. */
function renderBulkDoc(doc: PlannedDoc, i: number, bulk: PlannedDoc[], pool: string[], rng: () => number): string {
  const others = pool.filter((id) => id !== doc.id);
  const m = pickDistinct(others, 5, rng);
  const targets = pickDistinct(bulk.filter((d) => d.file !== doc.file), 2, rng);
  const refs: PathRefs = {
    link: `[${linkText(targets[0]!)}](${path.posix.relative(path.posix.dirname(doc.file), targets[0]!.file)})`,
    repo: `\`${targets[1]!.file}\``,
    third: thirdReference(i, targets[0]!),
  };
  const svc = SERVICES[doc.n % SERVICES.length]!;
  const head = frontmatterOf(doc, i, pickDistinct(others, 2, rng), bulk);
  return `${head}\n${BODIES[doc.type](doc, svc, m, refs)}`;
}

interface PathRefs {
  /** A markdown link relative to the linking doc. */
  link: string;
  /** Inline code naming a doc from the repository root (`docs/...`). */
  repo: string;
  /** A sentence with one more path: docs-relative, a folder, or a file outside the docs folder. */
  third: string;
}

/** The third path reference of a doc, rotating through every form a team writes. */
function thirdReference(i: number, target: PlannedDoc): string {
  const docsRelative = target.file.slice('docs/'.length);
  const forms = [
    `The earlier write-up is \`${docsRelative}\`.`,
    'Stories that changed this are filed under `docs/backlog/stories/`.',
    'The code is in `src/ledger/`, next to `src/bankfeeds/`.',
    'Open questions go to `.agent/handoff.md` at the end of each shift.',
    'Module notes are in `src/ledger/README.md`.',
    'Measurements are filed in `reference/reports/`.',
  ];
  return forms[i % forms.length]!;
}

/** Link text a person would write for a doc. */
function linkText(doc: PlannedDoc): string {
  return { adr: 'the decision', prd: 'the product brief', epic: 'the epic', story: 'the story', release: 'the release notes', reference: 'the reference', report: 'the report', runbook: 'the runbook' }[doc.type];
}

/** Frontmatter with the keys each type of the team's contract requires, some optional ones too. */
function frontmatterOf(doc: PlannedDoc, i: number, links: string[], bulk: PlannedDoc[]): string {
  const type = doc.type === 'report' ? 'reference' : doc.type;
  const statuses = STATUSES[doc.type];
  const owners = i % 3 === 0 ? `[${TEAMS[i % TEAMS.length]}, ${TEAMS[(i + 2) % TEAMS.length]}]` : `[${TEAMS[i % TEAMS.length]}]`;
  const lines = [
    `type: ${type}`,
    `id: ${doc.id}`,
    `title: ${JSON.stringify(doc.title)}`,
    `status: ${statuses[i % statuses.length]}`,
    `owners: ${owners}`,
    `created: ${isoDay(i * 3)}`,
  ];
  if (i % 4 === 1) lines.push(`updated: ${isoDay(i * 3 + 40)}`);
  if (i % 2 === 0) lines.push(`links: [${links.join(', ')}]`);
  if (i % 5 === 2) lines.push(`tags: [${SERVICES[i % SERVICES.length]}, q${(i % 4) + 1}]`);
  const { epic: epics = [], prd: prds = [], story: stories = [] } = byType(bulk);
  if (doc.type === 'adr') lines.push(`deciders: [${PEOPLE[i % PEOPLE.length]}, ${PEOPLE[(i + 3) % PEOPLE.length]}]`);
  if (doc.type === 'epic' && prds.length > 0) lines.push(`prd: ${prds[i % prds.length]!.id}`);
  if (doc.type === 'story') lines.push(`epic: ${epics[i % epics.length]?.id ?? 'EPIC-01'}`, `points: ${[1, 2, 3, 5, 8][i % 5]}`);
  if (doc.type === 'release') {
    lines.push(`version: "${doc.id.slice('REL-'.length)}"`);
    if (stories.length > 1) lines.push(`ships: [${stories[i % stories.length]!.id}, ${stories[(i + 7) % stories.length]!.id}]`);
  }
  if (doc.type === 'report') lines.push('source: grafana');
  if (doc.type === 'runbook') lines.push(`service: ${SERVICES[doc.n % SERVICES.length]}`, `severity: sev${(i % 3) + 1}`);
  return `---\n${lines.join('\n')}\n---\n`;
}

type Body = (doc: PlannedDoc, svc: string, m: string[], refs: PathRefs) => string;

const CONTEXTS = [
  'Two retries of the same request created two ledger entries during the March incident.',
  'The nightly job and the API both wrote to the same table, and their locks fought every evening.',
  'Support could not tell a seller why money was late without asking an engineer.',
  'Month-end close took four days because exports had to be re-run by hand.',
  'The bank aggregator rate-limits us at the start of every hour.',
  'Auditors asked for a record of who changed payout settings and when.',
];
const DECISIONS = [
  'We will make every write carry a key the service remembers for seven days.',
  'We will move the work into the job queue and give it one owner.',
  'We will record the reason for every hold as data, not as a log line.',
  'We will generate exports incrementally and keep the last good one.',
  'We will spread sync jobs over the hour with jitter.',
  'We will write every settings change to the audit log before applying it.',
];

const BODIES: Record<PlannedDoc['type'], Body> = {
  adr: (doc, svc, m, refs) => `# ${doc.title}

## Context

${CONTEXTS[doc.n % CONTEXTS.length]} The problem surfaced while working on ${m[0]}, and ${m[1]} describes the part of ${svc} it touches.

## Decision

${DECISIONS[doc.n % DECISIONS.length]} The current behaviour is written up in ${refs.repo}.

## Consequences

- Follow-up work is tracked in ${m[2]} and ${m[3]}.
- Whoever is on call reads ${refs.link} when this goes wrong.
- ${refs.third}
- Revisit this together with ${m[4]} at the next architecture review.
`,
  prd: (doc, svc, m, refs) => `# ${doc.title}

## Problem

Sellers and finance staff keep asking for this in support tickets; ${m[0]} collected the quotes. Today the answer depends on ${svc} and on people who know where to look.

## Goals

1. Cut the related support tickets by half within a quarter.
2. Ship behind a flag, as ${m[1]} and ${m[2]} did.

## Non-goals

Changing how fees are computed. That stays with ${m[3]}.

## Supporting material

The research notes are in ${refs.repo}, and the numbers behind the goals are in ${refs.link}. ${refs.third} Engineering's first estimate is in ${m[4]}.
`,
  epic: (doc, svc, m, refs) => `# ${doc.title}

This epic groups the stories that deliver part of ${m[0]}.

## Scope

- ${m[1]} and ${m[2]} first, because ${svc} needs them before anything else.
- ${m[3]} only if the load test in ${refs.repo} holds up.

## Out of scope

Anything that changes settlement timing; see ${refs.link} and ${m[4]}.

${refs.third}
`,
  story: (doc, svc, m, refs) => `# ${doc.title}

## Why

This came out of ${m[0]}: people kept asking ${svc} questions that the product could answer itself.

## Acceptance criteria

- [ ] Works for sellers with more than one currency.
- [ ] The change is described in ${refs.repo}.
- [ ] Nothing in ${m[1]} or ${m[2]} regresses.

## Notes

Design notes are in ${refs.link}. ${refs.third} Related: ${m[3]}, ${m[4]}.
`,
  release: (doc, svc, m, refs) => `# ${doc.title}

## Shipped

- ${m[0]}: the ${svc} change, behind a flag for the first week.
- ${m[1]} and ${m[2]}.

## Fixed

- A rounding difference between the statement and the ledger (${m[3]}).

## Upgrade notes

Read ${refs.link} before deploying; the migration is described in ${refs.repo}. ${refs.third} The rollback plan follows ${m[4]}.
`,
  reference: (doc, svc, m, refs) => `# ${doc.title}

Owned by the team that runs ${svc}. Changes go through ${m[0]}.

| Field | Meaning | Since |
| --- | --- | --- |
| \`amount\` | integer minor units | ${m[1]} |
| \`currency\` | ISO 4217 code | ${m[2]} |
| \`reference\` | the bank's own reference | ${m[3]} |

See ${refs.link} for how the fields are used, and ${refs.repo} for the history. ${refs.third}

Questions about this page go to whoever owns ${m[4]}.
`,
  report: (doc, svc, m, refs) => `# ${doc.title}

## Summary

${svc} held its targets; the slowest minute matched the one measured for ${m[0]}.

| Percentile | Before | After |
| --- | --- | --- |
| p50 | 41 ms | 38 ms |
| p99 | 390 ms | 240 ms |

## Follow-ups

- ${m[1]}: keep the connection pool at 40.
- ${m[2]} and ${m[3]}: alert on queue age, not depth.

Method as in ${refs.link}; raw numbers are summarised in ${refs.repo}. ${refs.third} Compare with ${m[4]}.
`,
  runbook: (doc, svc, m, refs) => `# ${doc.title}

Use this when the ${svc} alert fires and ${m[0]} does not explain it.

## Before you start

Read ${refs.link}. The decision behind the setup is in ${refs.repo}. ${refs.third}

## Steps

1. Check the dashboard linked from ${m[1]}.
2. Run the commands below from a bastion host.

\`\`\`bash
# ticket: STORY-9999 (fenced code is never a link)
kubectl -n ledgerline rollout status deploy/${svc}
ledgerctl ${svc} status --since 15m
\`\`\`

3. If the queue keeps growing, follow ${m[2]}.
4. Write what you did into the incident channel and update ${m[3]}.

## After

Record the outcome against ${m[4]}.
`,
};

// ---------------------------------------------------------------------------------------------
// Named files: the YAML constructs, the reference showcases, duplicates, and the errors

interface NamedDoc {
  file: string;
  id: string | null;
  content: string;
  findings: string[];
}

// What the stale-links runbook names that does not exist, in the order it names them.
const STALE_TARGETS = [
  'PRD-999',
  'ADR-0999',
  '.agent/notes/q3-plan.md',
  'docs/backlog/archive/',
  'docs/runbooks/runbook-legacy-import-v1.md',
  '../reference/ref-404-import-mapping.md',
];

/** The named fixture docs, each with the findings it must get. */
function namedDocs(bulk: PlannedDoc[], withErrors: boolean): NamedDoc[] {
  const first = (type: PlannedDoc['type'], k = 0) => bulk.filter((d) => d.type === type)[k]!;
  const [adr1, adr2, ref1, story1, story2, story3] = [first('adr'), first('adr', 1), first('reference'), first('story'), first('story', 1), first('story', 2)];
  const docs: NamedDoc[] = [
    {
      file: TEAM_REPO_FILES.quotedTitleWrapped,
      id: 'ADR-0500',
      findings: [],
      // A double-quoted title continued at column 0, and an unquoted date (kept as written).
      content: `---
type: adr
id: ADR-0500
title: "Move ledger exports to the nightly batch window
and drop the hourly job"
status: accepted
owners: [team-exports]
deciders: [priya, tomasz]
created: 2026-11-26
---

# Move ledger exports to the nightly batch window

Hourly exports competed with reconciliation for the replica. This replaces the schedule in
${adr1.id}; the export job itself is described in \`${ref1.file}\`.
`,
    },
    {
      file: TEAM_REPO_FILES.flowSequenceWrapped,
      id: 'EPIC-50',
      findings: [],
      // A flow sequence that wraps, its continuation at column 0.
      content: `---
type: epic
id: EPIC-50
title: "Bank feed resilience"
status: active
owners: [team-bankfeeds]
created: 2026-06-02
links: [${story1.id}, ${story2.id},
${story3.id}]
---

# Bank feed resilience

Syncs must survive the aggregator's hourly rate limit. Starts with ${story1.id}.
`,
    },
    {
      file: TEAM_REPO_FILES.plainMultiline,
      id: 'PRD-500',
      findings: [],
      // A plain scalar over three lines.
      content: `---
type: prd
id: PRD-500
title: Daily payout batching
status: review
owners: [team-payouts]
created: 2026-07-19
summary: Sellers with many small orders asked for one payout a day
  instead of one per order, and finance wants fewer bank transfers
  to reconcile.
---

# Daily payout batching

One transfer a day per seller, cut at 18:00 in the seller's time zone. Decided in ${adr2.id}.
`,
    },
    {
      file: TEAM_REPO_FILES.blockScalar,
      id: 'REF-500',
      findings: [],
      // A literal block scalar and a folded one.
      content: `---
type: reference
id: REF-500
title: Settlement glossary
status: active
owners: [team-finance-ops, team-ledger]
created: 2025-12-01
summary: |
  Terms finance and engineering use when they talk about settlement.
  Keep each entry short, and name the decision that introduced it.
source: >-
  Collected from the month-end close
  retrospectives.
---

# Settlement glossary

- **Hold**: money we owe a seller but do not send yet; see ${adr1.id}.
- **Cut-off**: the last minute a payout joins today's batch.
`,
    },
    {
      file: TEAM_REPO_FILES.comments,
      id: 'RUN-webhook-replay',
      findings: [],
      // Comments on their own lines and after values, and a single-quoted title with ''.
      content: `---
# Owned by the integrations guild; ask in #webhooks before editing.
type: runbook
id: RUN-webhook-replay
title: 'Replay the webhooks a merchant''s endpoint missed'
status: active   # reviewed after the November outage
owners:
  - team-integrations   # primary
  - team-ledger
created: 2025-11-03
service: webhooks
---

# Replay missed webhooks

When a merchant's endpoint was down, replay from the delivery log. Background: ${adr2.id}.
`,
    },
    {
      file: TEAM_REPO_FILES.quotedDates,
      id: 'STORY-500',
      findings: [],
      content: `---
type: story
id: STORY-500
title: "Download a statement for any closed month"
status: done
owners: [team-exports]
created: "2026-03-14"
updated: '2026-04-01'
epic: ${first('epic').id}
points: 3
---

# Download a statement for any closed month

Builds on ${story1.id}.
`,
    },
    goodReferencesDoc(adr1, ref1, story1),
    staleLinksDoc(adr2),
    {
      file: TEAM_REPO_FILES.duplicateFirst,
      id: 'STORY-501',
      findings: [],
      content: storyWithId('STORY-501', 'Export transactions as CSV', first('epic').id, `Finance wants a CSV per month. See ${story2.id}.`),
    },
    {
      file: TEAM_REPO_FILES.duplicateSecond,
      id: null,
      findings: ['warning duplicate-id'],
      // Someone copied the story to split it and forgot to give the copy a new number.
      content: storyWithId('STORY-501', 'Export transactions as CSV, split by currency', first('epic').id, `One file per currency, as asked in ${story3.id}.`),
    },
  ];
  if (withErrors) docs.push(...errorDocs(first('epic').id));
  return docs;
}

/** Every form of reference that resolves: ids, paths from the doc, the docs folder and the repo root, folders, globs, fences. */
function goodReferencesDoc(adr: PlannedDoc, ref: PlannedDoc, story: PlannedDoc): NamedDoc {
  const [refFolder, refName] = [path.posix.dirname(ref.file), path.posix.basename(ref.file)];
  return {
    file: TEAM_REPO_FILES.goodReferences,
    id: 'RUN-ledger-failover',
    findings: [],
    content: `---
type: runbook
id: RUN-ledger-failover
title: "Fail the ledger database over to the standby region"
status: active
owners: [team-ledger]
created: 2026-02-11
service: ledger-api
links: [${adr.id}, ${ref.id}]
---

# Fail the ledger over

Read \`.agent/handoff.md\` before you start: the previous shift writes down anything
half-done there. The [hand-off notes](../../.agent/handoff.md) also say who holds the pager.

## Before you start

- The standby region was chosen in \`${adr.file}\` (${adr.id}).
- The map of this folder is \`docs/index.md\`; runbooks sit in \`runbooks/\`, and the
  stories that changed this procedure are under \`docs/backlog/stories/\`.
- Replication settings are documented in \`${refFolder}/
${refName}\`.
- The code is in \`src/ledger/\` (see \`src/ledger/README.md\`); CI checks these docs with
  \`scripts/check_docs.py\`, and the other helpers live in \`scripts/\`.
- The story that asked for this runbook: [${story.id}](../backlog/stories/${path.posix.basename(story.file)}).

## Which docs to update afterwards

Every ADR matching \`docs/adr/*.md\` that mentions the standby, the stories matching
\`docs/backlog/stories/story-1??-*.md\`, anything under \`docs/{adr,prd}/\`, and the reports
in \`docs/reference/reports/[0-9]*.md\`.

## Steps

\`\`\`bash
# Shell examples, not links:
cat docs/runbooks/runbook-ledger-restore-v1.md
grep -rn ADR-0999 docs/
\`\`\`

1. Promote the standby: \`ledgerctl db promote --region eu-west-2\`.
2. Point the API at it and watch the error rate for ten minutes.
`,
  };
}

/** Every form of reference that leads nowhere: six broken links, plus paths that are not references. */
function staleLinksDoc(adr: PlannedDoc): NamedDoc {
  return {
    file: TEAM_REPO_FILES.staleLinks,
    id: 'RUN-legacy-import-cleanup',
    findings: Array(6).fill('warning broken-link'),
    content: `---
type: runbook
id: RUN-legacy-import-cleanup
title: "Clean up after the legacy CSV importer"
status: deprecated
owners: [team-exports]
created: 2025-06-02
updated: 2026-01-20
service: exports
links: [PRD-999]
---

# Clean up after the legacy CSV importer

The importer was retired by ADR-0999; the steps stay here for the archive. The import format
itself was agreed in ${adr.id}.

1. Read \`.agent/notes/q3-plan.md\` for the agreed cut-off dates.
2. Move leftover files to \`docs/backlog/archive/\`.
3. For the old restore path, follow \`docs/runbooks/
runbook-legacy-import-v1.md\`.
4. Check [the old mapping table](../reference/ref-404-import-mapping.md) one last time.
5. Rotate the import credentials with \`scripts/rotate_import_keys.sh\`; it is a script, not a doc.
`,
  };
}

/** A template doc: itself valid, its placeholders kept where no checker looks (fences, code without a slash). */
function templateDoc(kind: string, i: number): string {
  const folder = { adr: 'adr', prd: 'prd', epic: 'backlog/epics', story: 'backlog/stories', runbook: 'runbooks', release: 'releases' }[kind]!;
  return `---
type: template
id: TPL-${kind}
title: ${JSON.stringify(`Template: ${kind}`)}
status: active
owners: [team-platform]
created: ${isoDay(i * 11)}
applies_to: ${kind}
---

# Template: ${kind}

Copy this file into \`docs/${folder}/\`, name it like \`${kind}-NNN-short-title.md\`, and fill in
every section. Existing ones match \`docs/${folder}/${kind}-*.md\`.

\`\`\`yaml
---
type: ${kind}
id: ${kind.toUpperCase()}-NNN
title: "One line that says what changes"
status: draft
owners: [your-team]
created: YYYY-MM-DD
links: [ADR-0000]
---
\`\`\`

## What and why

Two or three sentences a newcomer understands.
`;
}

/** A story with the given id, title and one line of prose. */
function storyWithId(id: string, title: string, epic: string, prose: string): string {
  return `---\ntype: story\nid: ${id}\ntitle: ${JSON.stringify(title)}\nstatus: todo\nowners: [team-exports]\ncreated: 2026-08-04\nepic: ${epic}\npoints: 5\n---\n\n# ${title}\n\n${prose}\n`;
}

/** The three docs `withErrors` adds: a status the type does not allow, unreadable frontmatter, an impossible date. */
function errorDocs(epic: string): NamedDoc[] {
  return [
    {
      file: TEAM_REPO_FILES.statusNotAllowed,
      id: 'ADR-0501',
      findings: ['error status-not-allowed'],
      // `approved` is a PRD status; `status` is on line 3, where the finding must point.
      content: `---
type: adr
status: approved
id: ADR-0501
title: "Pick one message broker for every service"
owners: [team-platform]
deciders: [ines, kofi]
created: 2026-05-04
---

# Pick one message broker for every service

Three brokers are two too many to operate.
`,
    },
    {
      file: TEAM_REPO_FILES.unreadable,
      id: null,
      findings: ['error frontmatter-unreadable'],
      // The flow sequence never closes; no YAML reader accepts this.
      content: `---
type: story
id: STORY-502
title: "Warn before a bank account change takes effect"
links: [STORY-010, STORY-011
status: todo
owners: [team-payouts]
created: 2026-09-09
epic: ${epic}
---

# Warn before a bank account change takes effect

Sellers get an email a day before.
`,
    },
    {
      file: TEAM_REPO_FILES.dateInvalid,
      id: 'PRD-501',
      findings: ['error date-invalid'],
      // PyYAML and js-yaml roll 2026-02-30 over into March; kept as written, it is no date.
      content: `---
type: prd
id: PRD-501
title: "Bulk refunds from the admin console"
status: draft
owners: [team-payouts]
created: 2026-02-30
---

# Bulk refunds from the admin console

Refund a whole order batch in one action.
`,
    },
  ];
}

/** Files the contract exempts from frontmatter; all their references resolve. */
function exemptFiles(bulk: PlannedDoc[]): Record<string, string> {
  const story = bulk.find((d) => d.type === 'story')!;
  return {
    'docs/index.md': `# Ledgerline docs\n\n- Decisions: \`docs/adr/\`\n- Product briefs: \`docs/prd/\`\n- Backlog: \`docs/backlog/epics/\` and \`docs/backlog/stories/\`\n- On call: [fail the ledger over](runbooks/runbook-ledger-failover.md)\n- Glossary: [settlement terms](reference/ref-500-settlement-glossary.md)\n`,
    'docs/README.md': '# About these docs\n\nEvery doc carries frontmatter checked against `docs/_meta/docs-contract.yaml`. Start at [the index](index.md).\n',
    'docs/backlog/README.md': `# Backlog\n\nEpics live in \`backlog/epics/\`, stories in \`backlog/stories/\`. The oldest open story is [this one](stories/${path.posix.basename(story.file)}).\n`,
    'docs/reference/reports/raw/2026-q1-latency-export.md': '# Raw latency export, 2026 Q1\n\n| minute | p50 | p99 |\n| --- | --- | --- |\n| 00:00 | 38 | 231 |\n| 00:01 | 40 | 244 |\n',
    'docs/_meta/conventions.md': '# Conventions\n\nOne decision per ADR. Stories are small enough to finish in a sprint.\n',
  };
}

/** Link-audit reports that mention `count` ids no doc has, 250 to a report, for output of many megabytes. */
function noiseReports(count: number): Array<NamedDoc & { id: string }> {
  const missing = [...range(2000, 9999).map((n) => `ADR-${n}`), ...range(3000, 9999).map((n) => `STORY-${n}`)];
  if (count > missing.length) throw new Error(`extraBrokenLinks is at most ${missing.length}`);
  const reports: Array<NamedDoc & { id: string }> = [];
  for (let start = 0, k = 1; start < count; start += 250, k++) {
    const ids = missing.slice(start, Math.min(count, start + 250));
    const lines = [];
    for (let j = 0; j < ids.length; j += 10) lines.push(`- Not found: ${ids.slice(j, j + 10).join(', ')}.`);
    const id = `REF-${8000 + k}`;
    reports.push({
      file: `docs/reference/reports/report-link-audit-${pad(k, 3)}.md`,
      id,
      findings: Array(ids.length).fill('warning broken-link'),
      content: `---\ntype: reference\nid: ${id}\ntitle: "Link audit, batch ${k}"\nstatus: active\nowners: [team-platform]\ncreated: 2026-10-01\nsource: link-audit\n---\n\n# Link audit, batch ${k}\n\nIds cited in old tickets that no doc carries any more.\n\n${lines.join('\n')}\n`,
    });
  }
  return reports;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** `count` numbers from 1 up, skipping the reserved ones. */
function numbers(count: number, reserved: number[]): number[] {
  const out: number[] = [];
  for (let n = 1; out.length < count; n++) if (!reserved.includes(n)) out.push(n);
  return out;
}

/** Integers from `from` to `to`, both included. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** `count` distinct items of `list`, chosen by `rng`. */
function pickDistinct<T>(list: T[], count: number, rng: () => number): T[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, list.length)) chosen.add(Math.floor(rng() * list.length));
  return [...chosen].map((i) => list[i]!);
}

/** The day `offset` days after 2024-01-15, as YYYY-MM-DD. */
function isoDay(offset: number): string {
  return new Date(Date.UTC(2024, 0, 15 + (offset % 1000))).toISOString().slice(0, 10);
}

/** A file-name slug of a title: lowercase words joined by dashes, at most five of them. */
function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').slice(0, 5).join('-');
}

/** Zero-padded number. */
function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
