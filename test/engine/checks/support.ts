import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { managedContainersFor, managedVolumesFor } from '../../support/managed-containers.ts';
import { startServer, type RunningServer } from '../../support/server.ts';
import { ROOT, RunsApi, type RunJson } from '../runs/harness.ts';

/** The shipped runbook and its contract check block. */
export const DOC = 'RUN-runner-image';
export const CHECK_BLOCK = `${DOC}/contract-smoke`;
export const RUNBOOK_FILE = path.join(ROOT, 'content/runbooks/runbook-runner-image.md');

/** One verdict as stored in a check run's `result.steps[0].verdicts`. */
export interface VerdictJson {
  index: number;
  label: string;
  status: 'passed' | 'failed' | 'skipped';
  expected: string;
  actual: string;
  because: string | null;
}

/** A check run's stored step. */
export interface CheckStepJson {
  kind: 'check';
  image: string;
  imageId: string;
  exitCode: number | null;
  timedOut: boolean;
  counts: { passed: number; failed: number; skipped: number };
  verdicts: VerdictJson[];
}

/** The expectations of the shipped `contract-smoke` block, read from the runbook file itself. */
export function shippedExpectations(): Array<{ name?: string; because?: string } & Record<string, unknown>> {
  const text = readFileSync(RUNBOOK_FILE, 'utf8');
  const match = /```yaml \{ check name=contract-smoke\b[^}]*\}\n([\s\S]*?)\n```/.exec(text);
  if (!match) throw new Error(`no \`\`\`yaml { check name=contract-smoke } block in ${RUNBOOK_FILE}`);
  return (parse(match[1]!) as { expect: Array<{ name?: string; because?: string } & Record<string, unknown>> }).expect;
}

/** The check step of a finished run. */
export function checkStep(run: RunJson): CheckStepJson {
  const steps = (run.result as { steps?: unknown[] } | null)?.steps ?? [];
  expect(steps, `run ${run.id} stored one step (status ${run.status}: ${run.message})`).toHaveLength(1);
  const step = steps[0] as CheckStepJson;
  expect(step.kind).toBe('check');
  return step;
}

/** Labels of the verdicts with this status. */
export function labelsWith(step: CheckStepJson, status: VerdictJson['status']): string[] {
  return step.verdicts.filter((v) => v.status === status).map((v) => v.label);
}

/** A server on the shipped content and the shipped systems configuration, with a temp data folder. */
export async function startShippedServer(): Promise<{ server: RunningServer; api: RunsApi; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'runbook-live-data-'));
  const server = await startServer({
    DOCS_DIR: path.join(ROOT, 'content'),
    DATA_DIR: dataDir,
    SYSTEMS_CONFIG: path.join(ROOT, 'runbook-live.yaml'),
  });
  return {
    server,
    api: new RunsApi(server),
    cleanup: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asserts that the engine holds no container and no volume labelled with this run id. */
export async function expectNothingLeftOf(runId: string): Promise<void> {
  const [containers, volumes] = await Promise.all([managedContainersFor(runId), managedVolumesFor(runId)]);
  expect({ runId, containers, volumes }).toEqual({ runId, containers: [], volumes: [] });
}
