import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DocsRepository } from '../../../src/lib/docs/docs-repository.ts';
import { ProcedureCatalog } from '../../../src/lib/procedures/procedure-catalog.ts';
import { parseStartRun } from '../../../src/lib/runs/start-run-request.ts';
import { docContentHash } from '../../../src/lib/docs/doc-content-hash.ts';
import { execFileSync } from 'node:child_process';
import type { SystemsConfig } from '../../../src/lib/systems/load-systems-config.ts';
import type { DocSet } from '../../../src/lib/docs/doc-set.ts';
import { defaultAuthConfig } from '../../../src/lib/auth/index.ts';
import { doc, makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

let docs: TempDocs;
let set: DocSet;
let catalog: ProcedureCatalog;

const BODY = [
  '## Build',
  '',
  '```bash { name=build timeout=2m }',
  'docker build -t "$IMAGE" .',
  '```',
  '',
  '## Ship',
  '',
  '```bash',
  'ssh prod "docker compose up -d"',
  '```',
  '',
  '```bash { timeout=soon }',
  'docker image inspect "$IMAGE"',
  '```',
].join('\n');

beforeEach(async () => {
  docs = makeTempDocs();
  docs.write('runbooks/runbook-app.md', doc({ type: 'runbook', id: 'RUN-app', title: 'App', status: 'active', owners: 'o', created: '2026-01-01', system: 'app' }, BODY));
  docs.write('runbooks/runbook-loose.md', doc({ type: 'runbook', id: 'RUN-loose', title: 'Loose', status: 'active', owners: 'o', created: '2026-01-01', system: 'unknown-system' }, '```bash\ndocker image inspect x\n```\n'));
  mkdirSync(path.join(docs.dir, 'ctx'));
  const systems: SystemsConfig = {
    source: 'systems.yaml',
    targets: { local: { url: 'unix:///var/run/docker.sock' }, far: { url: 'tcp://far:2376' } },
    systems: new Map([['app', { name: 'app', dir: path.join(docs.dir, 'ctx'), targets: ['local', 'far'], variables: [{ name: 'IMAGE', default: 'app:latest', kind: 'image', description: null }] }]]),
    runs: { concurrency: 2, timeout_seconds: 900, log_limit_bytes: 1_048_576, start_rate_per_minute: 30, queue_limit: 100, retention: { keep_last: 100, keep_days: 30 } },
    notifications: {},
    schedules: { startup_window_seconds: 30 },
    docs: { rules: {}, max_doc_bytes: 1_048_576, render_timeout_ms: 2_000 },
    repo: {},
    auth: { config: defaultAuthConfig(), problem: null },
  };
  catalog = new ProcedureCatalog(systems);
  set = await new DocsRepository(docs.dir).current();
});
afterEach(() => docs.cleanup());

const context = () => ({ set, catalog, defaultTargets: ['local'], actor: 'tester', trigger: 'manual' as const });
const blocks = () => catalog.blocksOf(set.byId.get('RUN-app')!, set);

describe('procedure blocks of a doc', () => {
  it('gives every fenced block a stable id, a hash and a verdict', () => {
    expect(blocks().map((b) => [b.id, b.runnable, b.timeoutSeconds])).toEqual([
      ['RUN-app/build', true, 120],
      ['RUN-app/ship-1', false, 900],
      ['RUN-app/ship-2', false, 900],
    ]);
    expect(blocks()[0]!.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(blocks()[1]!.reason).toMatch(/^line 1: ssh is not supported/);
    expect(blocks()[2]!.reason).toBe('timeout=soon is not a duration; write timeout=90 (seconds), timeout=90s or timeout=5m');
    expect(blocks()[0]!.variables.map((v) => v.name)).toEqual(['IMAGE']);
  });

  it('refuses to run blocks of a system that is not configured', () => {
    const [block] = catalog.blocksOf(set.byId.get('RUN-loose')!, set);
    expect(block!.reason).toBe("the doc's system 'unknown-system' is not configured; add it under systems: in systems.yaml");
  });
});

describe('parseStartRun', () => {
  it("pins the request to the doc's content hash, and to no commit for docs outside a repository", () => {
    const { id, hash } = blocks()[0]!;
    const parsed = parseStartRun({ block: id, hash }, context());
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(parsed.request.pin).toEqual({ docHash: docContentHash(set.byId.get('RUN-app')!), docsCommit: null });
    expect(parsed.request.pin?.docHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('pins the request to the commit checked out when the docs are in a git repository', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { cwd: docs.dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'docs');
    const inRepo = await new DocsRepository(docs.dir).current();
    const block = catalog.blocksOf(inRepo.byId.get('RUN-app')!, inRepo)[0]!;
    const parsed = parseStartRun({ block: block.id, hash: block.hash }, { ...context(), set: inRepo });
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(parsed.request.pin?.docsCommit).toBe(git('rev-parse', 'HEAD'));
  });

  it('accepts a current block and applies declared overrides', () => {
    const { id, hash } = blocks()[0]!;
    const parsed = parseStartRun({ block: id, hash, vars: { IMAGE: 'app:rc1' }, target: 'far' }, context());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.request.target).toBe('far');
    expect(parsed.request.variables).toEqual({ IMAGE: 'app:rc1' });
    expect(parsed.request.steps[0]).toMatchObject({ kind: 'build', tags: ['app:rc1'] });
  });

  it('answers with the status and message a client can act on', () => {
    const { id, hash } = blocks()[0]!;
    const problem = (body: unknown) => {
      const parsed = parseStartRun(body, context());
      return parsed.ok ? null : parsed.problem;
    };
    expect(problem({ block: 'RUN-app/nope', hash })).toMatchObject({ status: 404, code: 'BlockNotFound' });
    expect(problem({ block: id, hash: 'ffffffffffffffff' })).toMatchObject({
      status: 409,
      code: 'BlockChanged',
      message: `Block 'RUN-app/build' has changed since the page was loaded (hash ffffffffffffffff, now ${hash}). Reload the page and review the block before running it.`,
    });
    expect(problem({ block: blocks()[1]!.id, hash: blocks()[1]!.hash })).toMatchObject({ status: 400, code: 'BlockNotRunnable' });
    expect(problem({ block: id, hash, vars: { OTHER: 'x' } })).toMatchObject({ status: 400, code: 'InvalidVariable', message: 'With these variables the block cannot run: variable OTHER is not used by block RUN-app/build; it takes: IMAGE' });
    expect(problem({ block: id, hash, vars: { IMAGE: 'Not An Image' } })?.message).toMatch(/^IMAGE: 'Not An Image' is not a valid image reference/);
    expect(problem({ block: id, hash, vars: { IMAGE: 'x\ny' } })).toMatchObject({ status: 400, code: 'InvalidRunRequest' });
    expect(problem({ block: id, hash, target: 'moon' })).toMatchObject({ status: 400, code: 'UnknownTarget', message: "Target 'moon' is not one this block runs on; choose one of: local, far" });
    expect(problem({ block: id, hash, command: 'rm -rf /' })?.message).toContain('Unrecognized key: "command"');
  });
});
