// `runbook-live run <doc id>… [--target NAME] [--var NAME=VALUE]… [--keep-going] [--json] [--junit FILE]`:
// runs whole runbooks headless, in this process, through the same RunbookRunService the
// Run runbook button uses, so the runbook run and its step runs are stored in DATA_DIR.
// Exit 0 when every runbook passed, 1 when a step failed or could not run, 2 for a usage or
// configuration error (nothing is started then).
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createCore, type Core, type CoreSetup } from '../lib/app/index.ts';
import type { AppConfig } from '../lib/config/index.ts';
import { runbookBlocks } from '../lib/procedures/index.ts';
import { isFinal, parseStartRunbook, runbookPlan, type RunbookPlan, type RunbookRunRecord, type StartRunbookRequest } from '../lib/runs/index.ts';
import { formatDuration } from '../lib/shared/index.ts';
import type { CommandIo } from './command-io.ts';
import { prepareHeadless, readCommandLine } from './headless-setup.ts';
import { parseRunOptions, RUN_USAGE } from './run-options.ts';
import { durationMs, formatRunSummary, renderRunJUnit, runSummaryJson, type RunbookResult } from './run-report.ts';

/** Runs `run` with the arguments after the subcommand; resolves to the exit code. */
export async function runRunCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const began = Date.now();
  const usage = (message: string): number => {
    io.err(`runbook-live run: ${message}\n`);
    return 2;
  };

  const commandLine = readCommandLine('run', args, parseRunOptions, RUN_USAGE, io);
  if (!commandLine.ok) return commandLine.code;
  const { options } = commandLine;
  const prepared = prepareHeadless({ verb: 'run', unit: 'step', junit: options.junit, target: options.target }, io);
  if (!prepared.ok) return prepared.code;
  const { config, setup } = prepared;
  const { docs, catalog, targets } = setup;

  const set = await docs.current();
  const runnableDocs = () => set.docs.filter((doc) => runbookPlan(doc, catalog, targets.names(), set)).map((doc) => `  ${doc.id}`).join('\n') || '  (none: no doc has a runnable block)';
  const plans: RunbookPlan[] = [];
  for (const id of options.docIds) {
    const doc = set.byId.get(id);
    if (!doc) return usage(`no doc has id '${id}'\nRunbooks with runnable steps:\n${runnableDocs()}`);
    const plan = runbookPlan(doc, catalog, targets.names(), set);
    if (!plan) {
      const steps = runbookBlocks(catalog.blocksOf(doc, set));
      const why = steps.length === 0 ? 'it has no shell or check blocks' : `every step is manual:\n${steps.map((b) => `  ${b.id}: ${b.reason}`).join('\n')}`;
      return usage(`${id} has nothing to run: ${why}`);
    }
    plans.push(plan);
  }

  // Overrides go to the runbooks that use them; a name none of them uses is a typo.
  const usedBy = (plan: RunbookPlan) => new Set(plan.blocks.filter((b) => b.runnable).flatMap((b) => b.variables.map((v) => v.name)));
  const used = new Set(plans.flatMap((plan) => [...usedBy(plan)]));
  const unused = Object.keys(options.vars).filter((name) => !used.has(name));
  if (unused.length > 0) {
    return usage(`--var ${unused.join(', ')}: no step of the selected runbooks uses ${unused.length > 1 ? 'these variables' : 'this variable'}; they take: ${[...used].join(', ') || 'none'}`);
  }

  // Every runbook and each of its steps is validated exactly like POST /api/runbook-runs first.
  const actor = `cli@${hostname()}`;
  const requests: StartRunbookRequest[] = [];
  const problems: string[] = [];
  for (const plan of plans) {
    const mine = usedBy(plan);
    const vars = Object.fromEntries(Object.entries(options.vars).filter(([name]) => mine.has(name)));
    const parsed = parseStartRunbook(
      { doc: plan.doc.id, hash: plan.hash, vars, keepGoing: options.keepGoing, ...(options.target !== null ? { target: options.target } : {}) },
      { set, catalog, defaultTargets: targets.names(), actor, trigger: 'cli' },
    );
    if (parsed.ok) requests.push(parsed.request);
    else problems.push(`${plan.doc.id}: ${parsed.problem.message}`);
  }
  if (problems.length > 0) return usage(problems.join('\n'));

  const { results, signal } = await runRunbooks(requests, config, setup, io);

  const totalMs = Date.now() - began;
  io.out(options.json ? `${JSON.stringify(runSummaryJson(results, { docsDir: config.docsDir, totalMs }), null, 2)}\n` : formatRunSummary(results));
  if (options.junit) {
    const file = path.resolve(io.cwd, options.junit);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, renderRunJUnit(results, { totalMs, timestamp: new Date(began).toISOString(), hostname: hostname() }));
    } catch (error) {
      io.err(`runbook-live run: could not write the JUnit report ${file}: ${(error as Error).message}\n`);
      if (!signal) return 1;
    }
  }
  if (signal) return signal === 'SIGINT' ? 130 : 143;
  return results.every((r) => r.run.status === 'passed') ? 0 : 1;
}

/**
 * Runs the runbooks one after another; the core is always closed. SIGINT or SIGTERM cancels
 * the runbook run going (its current step's container and volumes are removed, the rest
 * skipped) and starts no more; the report is still written. A second signal quits at once.
 */
async function runRunbooks(requests: StartRunbookRequest[], config: AppConfig, setup: CoreSetup, io: CommandIo): Promise<{ results: RunbookResult[]; signal: NodeJS.Signals | null }> {
  // The server's core in cli mode: no renderer, no schedules, no start-up recovery.
  const core = await createCore(config, { mode: 'cli', warn: (message) => io.err(`runbook-live run: ${message}\n`) }, setup);
  let current: string | null = null;
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      void core.close();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    signalled = signal;
    io.err(`runbook-live run: ${signal}: cancelling; send it again to quit at once\n`);
    if (current) core.runbooks.cancel(current);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stopProgress = followProgress(core, io);
  try {
    const finished: RunbookRunRecord[] = [];
    for (const request of requests) {
      if (signalled) break;
      const { run } = core.runbooks.start(request);
      current = run.id;
      const done = await core.runbooks.waitFor(run.id);
      if (!done || !isFinal(done.status)) throw new Error(`runbook run ${run.id} of ${request.doc.id} did not finish`);
      io.err(`  ${done.status === 'passed' ? '✓' : '✗'} ${request.doc.id} ${done.status} in ${formatDuration(durationMs(done.startedAt, done.finishedAt))}\n`);
      finished.push(done);
    }
    current = null;
    // Incidents are opened just after a step's run finishes; wait for them to link them.
    await core.incidents.settled();
    return { results: finished.map((run) => ({ run, incidents: incidentsOf(core, run) })), signal: signalled };
  } finally {
    stopProgress();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await core.close();
  }
}

/** One stderr line per step as it ends, so a long runbook shows where it is. */
function followProgress(core: Core, io: CommandIo): () => void {
  const told = new Set<string>();
  return core.runbooks.subscribeAll((run) => {
    if (!told.has(run.id)) {
      told.add(run.id);
      io.err(`runbook-live run: ${run.docId} on ${run.target}: runbook run ${run.id}\n`);
    }
    for (const step of run.steps) {
      const key = `${run.id} ${step.blockId}`;
      if (told.has(key) || step.status === 'pending' || step.status === 'queued' || step.status === 'running') continue;
      told.add(key);
      io.err(`    ${step.status.padEnd(9)} ${step.blockId}${step.runId ? ` (run ${step.runId})` : ''}\n`);
    }
  });
}

function incidentsOf(core: Core, run: RunbookRunRecord): Record<string, string> {
  const found: Record<string, string> = {};
  for (const step of run.steps) {
    if (!step.runId || step.status === 'passed' || step.status === 'skipped') continue;
    const incident = core.incidents.forRun(step.runId);
    if (incident) found[step.runId] = incident.id;
  }
  return found;
}
