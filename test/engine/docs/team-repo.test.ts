import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTeamRepo, TEAM_REPO_FILES, verdictsOf, type TeamRepo } from '../../support/team-repo.ts';

// `runbook-live docs-check` on a real team's repository (issue 9): a git checkout with about
// 400 docs under the team's own contract, spawned the way CI runs it. The verdict must be the
// one the team's validator gives: exactly the findings in `expected`, on every file.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'src/cli/runbook-live.ts');

interface Finding {
  rule: string;
  severity: string;
  path: string;
  file: string;
  line: number | null;
  column?: number | null;
  message: string;
  field?: string;
}

interface BrokenLink {
  file: string;
  path?: string;
  target: string;
  line: number | null;
}

interface Report {
  repository: { root: string; docsPath: string };
  docsDir: string;
  docs: number;
  contract: { source: string | null; usable: boolean; problems: string[] };
  summary: { errors: number; warnings: number; byRule: Record<string, { severity: string; count: number }> };
  findings: Finding[];
  violations: unknown[];
  brokenLinks: BrokenLink[];
}

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

let scratch: string;
let team: TeamRepo;
let teamRun: { cli: Cli; report: Report };

/** The environment every run gets: no systems file unless a test writes one, no inherited docs or repo settings. */
function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { REPO_DIR: _repo, DOCS_DIR: _docs, SYSTEMS_CONFIG: _systems, ...rest } = process.env;
  return { ...rest, SYSTEMS_CONFIG: path.join(scratch, 'no-such-runbook-live.yaml'), NO_COLOR: '1', ...env };
}

/** Spawns `docs-check` with this Node (the pinned 24) from the project folder. */
function docsCheck(args: string[], env: Record<string, string> = {}): Promise<Cli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'docs-check', ...args], { cwd: ROOT, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Runs `docs-check DIR --json …` and parses what it printed, saying what it was when it does not parse. */
async function docsCheckJson(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ cli: Cli; report: Report }> {
  const cli = await docsCheck([dir, '--json', ...args], env);
  try {
    return { cli, report: JSON.parse(cli.stdout) as Report };
  } catch {
    throw new Error(`docs-check --json exited ${cli.code} and printed no JSON:\n${cli.stdout.slice(0, 2000)}\n${cli.stderr.slice(0, 2000)}`);
  }
}

/** The 1-based line of the first line of a repository file that contains `needle`. */
function lineOf(repo: TeamRepo, repoPath: string, needle: string): number {
  const index = readFileSync(path.join(repo.root, repoPath), 'utf8').split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`${repoPath} has no line with ${needle}`);
  return index + 1;
}

/** True when a broken link's target exists where a path written in `fromPath` may point: its folder, the docs folder, the repo root. */
function pathTargetExists(repo: TeamRepo, fromPath: string, target: string): boolean {
  const written = target.split('#')[0]!;
  const bases = [path.join(repo.root, path.dirname(fromPath)), repo.docsDir, repo.root];
  return bases.some((base) => existsSync(path.resolve(base, written)));
}

/** A path reference rather than an id: it has a folder separator or names a .md file. */
function isPathTarget(target: string): boolean {
  return target.includes('/') || /\.md(?:#.*)?$/i.test(target);
}

/** `expected` with each rule's severity replaced, and rules set to off left out. */
function withSeverities(expected: Record<string, string[]>, rules: Record<string, 'error' | 'warning' | 'off'>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [file, verdicts] of Object.entries(expected)) {
    const changed = verdicts
      .map((verdict) => {
        const [severity, rule] = verdict.split(' ') as [string, string];
        const set = rules[rule];
        return set === 'off' ? null : `${set ?? severity} ${rule}`;
      })
      .filter((v): v is string => v !== null)
      .sort();
    if (changed.length > 0) out[file] = changed;
  }
  return out;
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'runbook-live-team-repo-test-'));
  team = makeTeamRepo();
  teamRun = await docsCheckJson(team.docsDir);
});

afterAll(() => {
  team?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('docs-check on a team repository with only warnings', () => {
  it('exits 0 and gives every file exactly its expected findings', () => {
    expect(teamRun.cli.code, teamRun.cli.stderr).toBe(0);
    expect(verdictsOf(teamRun.report.findings)).toEqual(team.expected);
    expect(teamRun.report.findings.filter((f) => f.severity === 'off')).toEqual([]);
  });

  it('finds the repository root through .git and reports paths relative to it, with forward slashes', () => {
    const { report } = teamRun;
    expect(report.repository).toEqual({ root: team.root, docsPath: 'docs' });
    expect(report.docsDir).toBe(team.docsDir);
    for (const finding of report.findings) {
      expect(finding.path).toBe(`docs/${finding.file}`);
      expect(finding.path).not.toMatch(/\\|^\//);
      expect(existsSync(path.join(team.root, finding.path)), finding.path).toBe(true);
      expect(finding.line === null || (Number.isInteger(finding.line) && finding.line > 0)).toBe(true);
    }
  });

  it('sums the findings by severity and by rule', () => {
    const { findings, summary } = teamRun.report;
    expect(summary.errors).toBe(findings.filter((f) => f.severity === 'error').length);
    expect(summary.warnings).toBe(findings.filter((f) => f.severity === 'warning').length);
    const byRule: Record<string, { severity: string; count: number }> = {};
    for (const f of findings) byRule[f.rule] = { severity: f.severity, count: (byRule[f.rule]?.count ?? 0) + 1 };
    for (const [rule, entry] of Object.entries(byRule)) expect(summary.byRule[rule], rule).toEqual(entry);
  });

  it("uses the team's contract, repository-relative folders and unknown keys included, and counts its docs", () => {
    const { report } = teamRun;
    expect(report.contract.usable).toBe(true);
    expect(report.contract.problems).toEqual([]);
    expect(report.contract.source).toMatch(/(^|\/)_meta\/docs-contract\.yaml$/);
    const unknownKeys = report.findings.filter((f) => f.rule === 'unknown-contract-key');
    expect(unknownKeys.map((f) => f.path)).toEqual([TEAM_REPO_FILES.contract, TEAM_REPO_FILES.contract]);
    expect(unknownKeys.some((f) => f.message.includes('validator'))).toBe(true);
    expect(unknownKeys.some((f) => f.message.includes('board'))).toBe(true);
    // The second doc with a duplicated id may or may not count; exempt files may count as pages.
    expect(report.docs).toBeGreaterThanOrEqual(team.docFiles.length - 1);
    expect(report.docs).toBeLessThanOrEqual(team.docFiles.length + team.exemptFiles.length);
    expect(team.docFiles.length).toBeGreaterThanOrEqual(400);
  });

  it('reads every YAML construct the team writes: wrapped quotes and flow sequences, plain and block scalars, comments, quoted dates', () => {
    const verdicts = verdictsOf(teamRun.report.findings);
    for (const file of [TEAM_REPO_FILES.quotedTitleWrapped, TEAM_REPO_FILES.flowSequenceWrapped, TEAM_REPO_FILES.plainMultiline, TEAM_REPO_FILES.blockScalar, TEAM_REPO_FILES.comments, TEAM_REPO_FILES.quotedDates]) {
      expect(verdicts[file], file).toBeUndefined();
    }
  });

  it('resolves references outside the docs folder, folders, wrapped inline paths; ignores globs, fences and non-.md files', () => {
    expect(verdictsOf(teamRun.report.findings)[TEAM_REPO_FILES.goodReferences]).toBeUndefined();
  });

  it('reports each missing target once, wrapped paths as one path, on the line it was written', () => {
    const stale = teamRun.report.findings.filter((f) => f.path === TEAM_REPO_FILES.staleLinks);
    for (const target of team.missingTargets) {
      const named = target.replace(/\/$/, '');
      expect(stale.filter((f) => f.message.includes(named)), `one finding names ${target}`).toHaveLength(1);
    }
    expect(stale.map((f) => f.rule)).toEqual(Array(6).fill('broken-link'));
    expect(stale.find((f) => f.message.includes('ADR-0999'))?.line).toBe(lineOf(team, TEAM_REPO_FILES.staleLinks, 'ADR-0999'));
    const wrapped = stale.find((f) => f.message.includes('docs/runbooks/runbook-legacy-import-v1.md'));
    expect(wrapped?.line).toBe(lineOf(team, TEAM_REPO_FILES.staleLinks, '`docs/runbooks/'));
  });

  it('never calls something that exists a broken link', () => {
    const { findings, brokenLinks } = teamRun.report;
    expect(brokenLinks).toHaveLength(findings.filter((f) => f.rule === 'broken-link').length);
    const existing = brokenLinks.filter((link) => {
      const from = link.path ?? `docs/${link.file}`;
      return isPathTarget(link.target) ? pathTargetExists(team, from, link.target) : team.ids.has(link.target);
    });
    expect(existing).toEqual([]);
    const missing = brokenLinks.length - existing.length;
    expect(missing / Math.max(1, brokenLinks.length)).toBeGreaterThanOrEqual(0.95);
  });

  it('--strict counts the warnings: exit 1, same findings', async () => {
    const { cli, report } = await docsCheckJson(team.docsDir, ['--strict']);
    expect(cli.code).toBe(1);
    expect(verdictsOf(report.findings)).toEqual(team.expected);
  });

  it('docs.rules in runbook-live.yaml sets severities: broken-link as error exits 1, off leaves a rule out', async () => {
    const config = path.join(scratch, 'rules-runbook-live.yaml');
    writeFileSync(config, 'docs:\n  rules:\n    broken-link: error\n    duplicate-id: off\n');
    const { cli, report } = await docsCheckJson(team.docsDir, [], { SYSTEMS_CONFIG: config });
    expect(cli.code, cli.stderr).toBe(1);
    expect(verdictsOf(report.findings)).toEqual(withSeverities(team.expected, { 'broken-link': 'error', 'duplicate-id': 'off' }));
    expect(report.summary.byRule['broken-link']).toEqual({ severity: 'error', count: 6 });
    expect(report.summary.errors).toBe(6);
  });

  it('takes the repository root from REPO_DIR when the folder is no git checkout, with the same verdict', async () => {
    const plain = makeTeamRepo({ git: false });
    try {
      expect(existsSync(path.join(plain.root, '.git'))).toBe(false);
      const { cli, report } = await docsCheckJson(plain.docsDir, [], { REPO_DIR: plain.root });
      expect(cli.code, cli.stderr).toBe(0);
      expect(report.repository).toEqual({ root: plain.root, docsPath: 'docs' });
      expect(verdictsOf(report.findings)).toEqual(plain.expected);
    } finally {
      plain.cleanup();
    }
  });
});

describe('docs-check with a contract it cannot use', () => {
  let repo: TeamRepo;
  beforeAll(() => {
    repo = makeTeamRepo({ docs: 40 });
  });
  afterAll(() => repo.cleanup());

  it('a bad regex and a missing key: exits 2, names every problem, validates no doc against another contract', async () => {
    const contract = readFileSync(path.join(repo.root, TEAM_REPO_FILES.contract), 'utf8');
    const spoiled = contract
      .replace(String.raw`filename_regex: '^adr-\d{4}-`, String.raw`filename_regex: '^adr-(\d{4}-`)
      .replace(/^    id_regex: '\^PRD-.*\n/m, '');
    expect(spoiled).not.toBe(contract);
    repo.write(TEAM_REPO_FILES.contract, spoiled);

    const { cli, report } = await docsCheckJson(repo.docsDir);
    expect(cli.code).toBe(2);
    expect(report.contract.usable).toBe(false);
    expect(report.contract.problems.some((p) => p.includes('filename_regex') && p.includes('adr'))).toBe(true);
    expect(report.contract.problems.some((p) => p.includes('id_regex') && p.includes('prd'))).toBe(true);
    const invalid = report.findings.filter((f) => f.rule === 'contract-invalid');
    expect(invalid.length).toBeGreaterThanOrEqual(2);
    expect(invalid.every((f) => f.severity === 'error')).toBe(true);
    // Only the contract is reported on: unknown keys may still be, no doc is.
    expect(report.findings.filter((f) => f.path !== TEAM_REPO_FILES.contract)).toEqual([]);
    expect(report.findings.filter((f) => !['contract-invalid', 'unknown-contract-key'].includes(f.rule))).toEqual([]);
    expect(report.brokenLinks).toEqual([]);

    const text = await docsCheck([repo.docsDir]);
    expect(text.code).toBe(2);
    expect(text.stdout + text.stderr).toContain('_meta/docs-contract.yaml');
    expect(text.stdout + text.stderr).toContain('filename_regex');
    expect(text.stdout + text.stderr).toContain('id_regex');
  });

  it('YAML that does not parse: exits 2 with contract-invalid and nothing else', async () => {
    repo.write(TEAM_REPO_FILES.contract, 'version: 1\ntypes: {adr: [folder: docs/adr\nallowed_top_level: [adr\n');
    const { cli, report } = await docsCheckJson(repo.docsDir);
    expect(cli.code).toBe(2);
    expect(report.contract.usable).toBe(false);
    expect(report.contract.problems.length).toBeGreaterThan(0);
    expect(verdictsOf(report.findings)).toEqual({ [TEAM_REPO_FILES.contract]: Array(report.findings.length).fill('error contract-invalid') });
  });
});

describe('docs-check on a folder without a contract', () => {
  it('uses the built-in default and says so', async () => {
    const repo = makeTeamRepo({ docs: 20 });
    try {
      repo.remove(TEAM_REPO_FILES.contract);
      const { report } = await docsCheckJson(repo.docsDir);
      expect(report.contract).toMatchObject({ source: null, usable: true });
      expect(report.findings.filter((f) => f.rule === 'contract-invalid' || f.rule === 'unknown-contract-key')).toEqual([]);
      // The default knows no `prd/` folder: proof it, and not the deleted contract, was applied.
      expect(report.findings.some((f) => f.rule === 'folder-not-allowed' && f.path.startsWith('docs/prd/'))).toBe(true);
      const text = await docsCheck([repo.docsDir]);
      expect(text.stdout + text.stderr).toMatch(/built-in default/i);
    } finally {
      repo.cleanup();
    }
  });
});

describe('docs-check on a team repository with errors', () => {
  let repo: TeamRepo;
  let run: { cli: Cli; report: Report };
  beforeAll(async () => {
    repo = makeTeamRepo({ withErrors: true });
    run = await docsCheckJson(repo.docsDir);
  });
  afterAll(() => repo.cleanup());

  it('exits 1, and each error lands on its file', () => {
    expect(run.cli.code).toBe(1);
    expect(verdictsOf(run.report.findings)).toEqual(repo.expected);
    expect(run.report.summary.errors).toBe(3);
  });

  it('points contract findings at the key: status on line 3, the impossible date on its line', () => {
    const status = run.report.findings.find((f) => f.rule === 'status-not-allowed');
    expect(status).toMatchObject({ path: TEAM_REPO_FILES.statusNotAllowed, line: 3, severity: 'error' });
    const date = run.report.findings.find((f) => f.rule === 'date-invalid');
    expect(date).toMatchObject({ path: TEAM_REPO_FILES.dateInvalid, line: lineOf(repo, TEAM_REPO_FILES.dateInvalid, 'created:'), field: 'created' });
    expect(date?.message).toContain('2026-02-30');
  });

  it('reports frontmatter no reader accepts with its line and column', () => {
    const unreadable = run.report.findings.find((f) => f.rule === 'frontmatter-unreadable');
    expect(unreadable?.path).toBe(TEAM_REPO_FILES.unreadable);
    const opened = lineOf(repo, TEAM_REPO_FILES.unreadable, 'links: [');
    const closed = readFileSync(path.join(repo.root, TEAM_REPO_FILES.unreadable), 'utf8').split('\n').indexOf('---', 1) + 1;
    expect(unreadable!.line).toBeGreaterThanOrEqual(opened);
    expect(unreadable!.line).toBeLessThanOrEqual(closed);
    const column = typeof unreadable!.column === 'number' || /\bcol(?:umn)?\b\s*\d+|:\d+:\d+/i.test(unreadable!.message);
    expect(column, unreadable!.message).toBe(true);
  });

  it('--format github prints one annotation per finding, repository-relative', async () => {
    const cli = await docsCheck([repo.docsDir, '--format', 'github']);
    expect(cli.code).toBe(1);
    const annotations = `${cli.stdout}\n${cli.stderr}`.split('\n').filter((line) => /^::(error|warning|notice) /.test(line));
    expect(annotations).toHaveLength(run.report.findings.length);
    const starts = (prefix: string) => annotations.filter((line) => line.startsWith(prefix));
    expect(starts(`::error file=${TEAM_REPO_FILES.statusNotAllowed},line=3,title=status-not-allowed::`)).toHaveLength(1);
    expect(starts(`::error file=${TEAM_REPO_FILES.dateInvalid},line=${lineOf(repo, TEAM_REPO_FILES.dateInvalid, 'created:')},title=date-invalid::`)).toHaveLength(1);
    const broken = starts(`::warning file=${TEAM_REPO_FILES.staleLinks},line=${lineOf(repo, TEAM_REPO_FILES.staleLinks, 'ADR-0999')},title=broken-link::`);
    expect(broken).toHaveLength(1);
    expect(broken[0]).toContain('ADR-0999');
    for (const line of annotations) expect(line).toMatch(/^::(error|warning) file=docs\/[^,:]+(,line=\d+)?(,col=\d+)?,title=[a-z-]+::\S/);
  });

  it('--sarif FILE writes SARIF 2.1.0 with every finding as a result', async () => {
    const file = path.join(scratch, 'docs-check.sarif');
    const cli = await docsCheck([repo.docsDir, '--sarif', file]);
    expect(cli.code).toBe(1);
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif/i);
    const [sarifRun] = sarif.runs;
    expect(sarifRun.tool.driver.name).toBe('runbook-live');
    const ruleIds = new Set<string>(sarifRun.tool.driver.rules.map((rule: { id: string }) => rule.id));
    const results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number } } }> }> = sarifRun.results;
    expect(results).toHaveLength(run.report.findings.length);
    for (const result of results) {
      expect(ruleIds.has(result.ruleId), result.ruleId).toBe(true);
      expect(['error', 'warning']).toContain(result.level);
      const uri = result.locations[0]!.physicalLocation.artifactLocation.uri;
      expect(uri).toMatch(/^docs\//);
      expect(existsSync(path.join(repo.root, uri)), uri).toBe(true);
    }
    const asVerdicts = verdictsOf(results.map((r) => ({ path: r.locations[0]!.physicalLocation.artifactLocation.uri, severity: r.level, rule: r.ruleId })));
    expect(asVerdicts).toEqual(repo.expected);
    const status = results.find((r) => r.ruleId === 'status-not-allowed')!;
    expect(status.locations[0]!.physicalLocation.region?.startLine).toBe(3);
    const withLines = run.report.findings.filter((f) => f.line !== null).length;
    expect(results.filter((r) => typeof r.locations[0]!.physicalLocation.region?.startLine === 'number')).toHaveLength(withLines);
  });
});

describe('docs-check --json with a big report', () => {
  it('writes more than 2 MB completely through a pipe whose reader pauses', async () => {
    const repo = makeTeamRepo({ docs: 40, extraBrokenLinks: 15_000 });
    try {
      const child = spawn(process.execPath, [CLI, 'docs-check', repo.docsDir, '--json'], { cwd: ROOT, env: baseEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let received = 0;
      let pauses = 0;
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.stderr.resume();
      child.stdout.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        // Stop reading twice, at the start and half-way through, as a slow consumer (`| jq`, CI log upload) does.
        if ((pauses === 0 && received > 0) || (pauses === 1 && received > 1024 * 1024)) {
          pauses += 1;
          child.stdout.pause();
          void delay(200).then(() => child.stdout.resume());
        }
      });
      const code = await exited;
      const text = Buffer.concat(chunks).toString('utf8');
      expect(pauses).toBe(2);
      expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 1024 * 1024);
      const report = JSON.parse(text) as Report;
      expect(code).toBe(0);
      expect(verdictsOf(report.findings)).toEqual(repo.expected);
      expect(report.summary.byRule['broken-link']?.count).toBe(15_000 + 6);
    } finally {
      repo.cleanup();
    }
  });
});
