import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DocsRepository } from '../../../src/lib/docs/docs-repository.ts';
import type { DocSet } from '../../../src/lib/docs/doc-set.ts';
import { ProcedureCatalog } from '../../../src/lib/procedures/procedure-catalog.ts';
import { loadSystemsConfig } from '../../../src/lib/systems/load-systems-config.ts';
import type { BlockTargetStats, LatestRun } from '../../../src/lib/runs/sqlite-run-stats.ts';
import type { RunRecord } from '../../../src/lib/runs/run-record.ts';
import type { TargetHealth } from '../../../src/lib/systems/target-health.ts';
import { doc, makeTempDocs } from '../../support/temp-docs.ts';

const fence = (info: string, source: string) => `\`\`\`${info}\n${source}\n\`\`\``;

/** The runbook the dashboard tests read: checks of each kind, on two targets. */
export const DEMO_BODY = [
  '## Checks',
  '',
  fence('bash { name=probe check every=5m }', 'docker run --rm python:3.13-slim python3 -c "print(1)"'),
  '',
  fence('bash { name=elsewhere check }', 'ssh prod "docker ps"'),
  '',
  fence('bash { name=plain }', 'docker image inspect python:3.13-slim'),
  '',
  fence('yaml { check name=contract }', 'image: python:3.13-slim\ncommand: [python3, -c, "print(1)"]\nexpect:\n  - exit_code: 0'),
  '',
].join('\n');

/** A second doc without a system: its checks run on the default targets. */
export const LOOSE_BODY = ['## Loose', '', fence('bash { name=loose check }', 'docker image inspect python:3.13-slim'), ''].join('\n');

export interface Fixture {
  set: DocSet;
  catalog: ProcedureCatalog;
  cleanup(): void;
}

/** A real docs folder and systems file: system `demo` runs on `local` and `remote`. */
export async function demoFixture(): Promise<Fixture> {
  const work = mkdtempSync(path.join(tmpdir(), 'runbook-live-dashboard-'));
  const systemsFile = path.join(work, 'systems.yaml');
  writeFileSync(
    systemsFile,
    `targets:\n  local:\n    url: unix:///var/run/docker.sock\n  remote:\n    url: tcp://10.255.255.1:2376\nsystems:\n  demo:\n    dir: ${work}\n    targets: [local, remote]\n`,
  );
  const docs = makeTempDocs();
  docs.write('runbooks/runbook-demo.md', doc({ type: 'runbook', id: 'RUN-demo', title: 'Demo', status: 'active', owners: 'qa', created: '2026-11-26', system: 'demo' }, DEMO_BODY));
  docs.write('reference/ref-loose.md', doc({ type: 'reference', id: 'REF-loose', title: 'Loose', status: 'active', owners: 'qa', created: '2026-11-26' }, LOOSE_BODY));
  const set = await new DocsRepository(docs.dir).current();
  return {
    set,
    catalog: new ProcedureCatalog(loadSystemsConfig(systemsFile)),
    cleanup() {
      docs.cleanup();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** A run record with sensible defaults. */
export function runRecord(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    blockId: 'RUN-demo/probe',
    docId: 'RUN-demo',
    blockHash: '0123456789abcdef',
    blockSource: 'docker run …',
    target: 'local',
    status: 'passed',
    failureKind: null,
    message: null,
    variables: {},
    actor: 'tester',
    trigger: 'manual',
    createdAt: '2026-11-26T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    exitCode: null,
    imageId: null,
    imageDigest: null,
    docHash: null,
    docsCommit: null,
    result: null,
    logBytes: 0,
    logTruncated: false,
    ...overrides,
  };
}

/** A latest run as the stats report it. */
export function latest(status: LatestRun['status'], overrides: Partial<LatestRun> = {}): LatestRun {
  const finished = !['queued', 'running'].includes(status);
  return {
    id: `run-${status}`,
    status,
    failureKind: null,
    message: null,
    trigger: 'manual',
    createdAt: '2026-11-26T10:00:00.000Z',
    finishedAt: finished ? '2026-11-26T10:00:02.000Z' : null,
    durationMs: finished ? 2000 : null,
    ...overrides,
  };
}

/** Per-key stats with defaults; a finished latest run is also the last finished one, as in the store. */
export function stats(overrides: Partial<BlockTargetStats> = {}): BlockTargetStats {
  const latestRun = overrides.latest ?? null;
  const finished = latestRun && ['passed', 'failed', 'errored'].includes(latestRun.status) ? { status: latestRun.status, finishedAt: latestRun.finishedAt ?? latestRun.createdAt } : null;
  return { latest: null, lastPassAt: null, passed24h: 0, finished24h: 0, passed7d: 0, finished7d: 0, durations: [], hashes: [], lastFinished: finished, ...overrides };
}

/** Both targets reachable, unless told otherwise. */
export function health(overrides: Partial<Record<'local' | 'remote', Partial<TargetHealth>>> = {}): TargetHealth[] {
  return (['local', 'remote'] as const).map((name) => ({
    name,
    url: name === 'local' ? 'unix:///var/run/docker.sock' : 'tcp://10.255.255.1:2376',
    reachable: true,
    engineVersion: '20.10.24',
    apiVersion: '1.41',
    error: null,
    checkedAt: '2026-11-26T11:59:00.000Z',
    ...overrides[name],
  }));
}
