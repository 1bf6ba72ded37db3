// `runbook-live check [--all | <check id>…] [--target NAME] [--var NAME=VALUE]… [--json] [--junit FILE]`:
// runs checks headless, in this process, through the same RunService the server uses, so
// runs are stored in DATA_DIR like runs from the page. Exit 0 when every selected check
// passed, 1 when any failed or could not run, 2 for a usage or configuration error.
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createCore, type CoreSetup } from '../lib/app/index.ts';
import type { AppConfig } from '../lib/config/index.ts';
import type { ProcedureBlock } from '../lib/procedures/index.ts';
import { isFinal, parseStartRun, type StartRunRequest } from '../lib/runs/index.ts';
import { formatDuration } from '../lib/shared/index.ts';
import { CHECK_USAGE, parseCheckOptions } from './check-options.ts';
import { selectChecks } from './check-selection.ts';
import { notRunnableResult, resultFromRun, type CheckResult } from './check-results.ts';
import { formatSummary, summaryJson } from './check-summary.ts';
import { renderJUnit } from './junit-report.ts';
import type { CommandIo } from './command-io.ts';
import { prepareHeadless, readCommandLine } from './headless-setup.ts';


/** One selected check, with the run request to start or the result it already has. */
type Planned = { block: ProcedureBlock; request: StartRunRequest } | { block: ProcedureBlock; result: CheckResult };

/** Runs `check` with the arguments after the subcommand; resolves to the exit code. */
export async function runCheckCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const began = Date.now();
  const usage = (message: string): number => {
    io.err(`runbook-live check: ${message}\n`);
    return 2;
  };

  const commandLine = readCommandLine('check', args, parseCheckOptions, CHECK_USAGE, io);
  if (!commandLine.ok) return commandLine.code;
  const { options } = commandLine;
  const prepared = prepareHeadless({ verb: 'check', unit: 'check', junit: options.junit, target: options.target }, io);
  if (!prepared.ok) return prepared.code;
  const { config, setup } = prepared;
  const { docs, catalog, targets } = setup;

  const set = await docs.current();
  const selection = selectChecks(set.docs.flatMap((doc) => catalog.blocksOf(doc, set)), options);
  if (!selection.ok) return usage(selection.message);

  // Overrides go to the checks that use them; a name none of them uses is a typo.
  const runnable = selection.blocks.filter((block) => block.runnable);
  const used = new Set(runnable.flatMap((block) => block.variables.map((v) => v.name)));
  const unused = Object.keys(options.vars).filter((name) => !used.has(name));
  if (runnable.length > 0 && unused.length > 0) {
    return usage(`--var ${unused.join(', ')}: no selected check uses ${unused.length > 1 ? 'these variables' : 'this variable'}; they take: ${[...used].join(', ') || 'none'}`);
  }

  // Every request is validated exactly like POST /api/runs before any run starts.
  const actor = `cli@${hostname()}`;
  const planned: Planned[] = [];
  const problems: string[] = [];
  for (const block of selection.blocks) {
    if (!block.runnable) {
      planned.push({ block, result: notRunnableResult(block) });
      continue;
    }
    const vars = Object.fromEntries(Object.entries(options.vars).filter(([name]) => block.variables.some((v) => v.name === name)));
    const parsed = parseStartRun(
      { block: block.id, hash: block.hash, vars, ...(options.target !== null ? { target: options.target } : {}) },
      { set, catalog, defaultTargets: targets.names(), actor, trigger: 'cli' },
    );
    if (parsed.ok) planned.push({ block, request: parsed.request });
    else if (parsed.problem.code === 'BlockNotRunnable') planned.push({ block, result: notRunnableResult(block) });
    else problems.push(`${block.id}: ${parsed.problem.message}`);
  }
  if (problems.length > 0) return usage(problems.join('\n'));
  if (planned.length === 0) io.err(`runbook-live check: no doc in ${config.docsDir} has a check block\n`);

  const { results, signal } = await runPlanned(planned, config, setup, io);

  const totalMs = Date.now() - began;
  io.out(options.json ? `${JSON.stringify(summaryJson(results, { docsDir: config.docsDir, totalMs }), null, 2)}\n` : formatSummary(results));
  if (options.junit) {
    const file = path.resolve(io.cwd, options.junit);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, renderJUnit(results, { totalMs, timestamp: new Date(began).toISOString(), hostname: hostname() }));
    } catch (error) {
      io.err(`runbook-live check: could not write the JUnit report ${file}: ${(error as Error).message}\n`);
      if (!signal) return 1;
    }
  }
  if (signal) return signal === 'SIGINT' ? 130 : 143;
  return results.every((r) => r.verdict === 'passed') ? 0 : 1;
}

/**
 * Starts every run, then waits for all of them; the core is always closed. SIGINT or
 * SIGTERM cancels the runs still going (their containers and volumes are removed) and the
 * report is still written; a second signal gives up at once.
 */
async function runPlanned(planned: Planned[], config: AppConfig, setup: CoreSetup, io: CommandIo): Promise<{ results: CheckResult[]; signal: NodeJS.Signals | null }> {
  const toRun = planned.filter((p): p is Extract<Planned, { request: StartRunRequest }> => 'request' in p);
  if (toRun.length === 0) return { results: planned.map((p) => ('result' in p ? p.result : notRunnableResult(p.block))), signal: null };

  // The same core as the server's, in cli mode: no renderer, no schedules, and no start-up
  // recovery, which would mark a live server's runs in the same DATA_DIR interrupted.
  const core = await createCore(config, { mode: 'cli', warn: (message) => io.err(`runbook-live check: ${message}\n`) }, setup);
  const { runs, incidents } = core;
  const started: string[] = [];
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      void core.close();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    signalled = signal;
    io.err(`runbook-live check: ${signal}: cancelling ${started.length} run(s); send it again to quit at once\n`);
    for (const id of started) runs.cancel(id);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    io.err(`runbook-live check: running ${toRun.length} check(s), at most ${setup.systems.runs.concurrency} at once\n`);
    const byBlock = new Map<ProcedureBlock, string>();
    for (const { block, request } of toRun) {
      const { run } = runs.start(request);
      started.push(run.id);
      byBlock.set(block, run.id);
      io.err(`  started ${block.id} on ${request.target}: run ${run.id}\n`);
    }
    const finished = await Promise.all(
      toRun.map(async ({ block }) => {
        const run = await runs.waitFor(byBlock.get(block)!);
        if (!run || !isFinal(run.status)) throw new Error(`run ${byBlock.get(block)} of ${block.id} did not finish`);
        const result = resultFromRun(block, run);
        io.err(`  ${result.verdict === 'passed' ? '✓' : '✗'} ${block.id} ${run.status} in ${formatDuration(result.durationMs)}\n`);
        return [block, result] as const;
      }),
    );
    const results = new Map(finished);
    await incidents.settled();
    return { results: planned.map((p) => ('result' in p ? p.result : results.get(p.block)!)), signal: signalled };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await core.close();
  }
}
