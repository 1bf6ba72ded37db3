// The set-up `check` and `run` share: the same environment as the server, read the same way,
// and every usage problem refused before a database is opened or anything is started.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readSetup, type CoreSetup } from '../lib/app/index.ts';
import { InvalidConfigError, loadConfig, type AppConfig } from '../lib/config/index.ts';
import type { CommandIo } from './command-io.ts';
import { UsageError } from './check-options.ts';

/** What a headless command was given that the set-up checks. */
export interface HeadlessRequest {
  /** The verb, for messages: `check` or `run`. */
  verb: string;
  /** What cannot run without a systems file, for the warning: `check`, `step`. */
  unit: string;
  junit: string | null;
  target: string | null;
}

/** The configuration and setup to build a core on, or the exit code of a refusal already printed. */
export type HeadlessSetup = { ok: true; config: AppConfig; setup: CoreSetup } | { ok: false; code: number };

/**
 * Parses a command's arguments: malformed ones are refused with a pointer to `--help`
 * (exit 2), and `--help` prints the usage (exit 0).
 */
export function readCommandLine<T extends { help: boolean }>(
  verb: string,
  args: readonly string[],
  parse: (args: readonly string[]) => T,
  usageText: string,
  io: CommandIo,
): { ok: true; options: T } | { ok: false; code: number } {
  let options: T;
  try {
    options = parse(args);
  } catch (error) {
    if (error instanceof UsageError) return usageRefusal(io, verb, `${error.message}\nRun 'runbook-live ${verb} --help' for the options.`);
    throw error;
  }
  if (options.help) {
    io.out(`${usageText}\n`);
    return { ok: false, code: 0 };
  }
  return { ok: true, options };
}

/** Prints a usage problem as `runbook-live <verb>: …`; exit code 2. */
export function usageRefusal(io: CommandIo, verb: string, message: string): { ok: false; code: number } {
  io.err(`runbook-live ${verb}: ${message}\n`);
  return { ok: false, code: 2 };
}

/**
 * Reads the configuration and the systems file as the server does. A JUnit path that is a
 * folder, an unreadable configuration, a missing docs folder, an invalid systems file (the
 * server keeps docs readable with one; a pipeline should stop and say why) and an unknown
 * target are refused; a missing systems file is only warned about.
 */
export function prepareHeadless(request: HeadlessRequest, io: CommandIo): HeadlessSetup {
  const refuse = (message: string) => usageRefusal(io, request.verb, message);
  if (request.junit && existsSync(path.resolve(io.cwd, request.junit)) && statSync(path.resolve(io.cwd, request.junit)).isDirectory()) {
    return refuse(`--junit ${request.junit} is a folder; name the XML file to write`);
  }
  let config: AppConfig;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (error) {
    if (error instanceof InvalidConfigError) return refuse(error.message);
    throw error;
  }
  if (!existsSync(config.docsDir) || !statSync(config.docsDir).isDirectory()) {
    return refuse(`the docs folder ${config.docsDir} does not exist; set DOCS_DIR`);
  }
  const setup = readSetup(config);
  if (setup.systemsProblem) return refuse(setup.systemsProblem);
  if (!existsSync(config.systemsConfig)) {
    io.err(`runbook-live ${request.verb}: warning: ${config.systemsConfig} does not exist, so no system is configured and no ${request.unit} can run; set SYSTEMS_CONFIG\n`);
  }
  if (request.target !== null && !Object.hasOwn(setup.systems.targets, request.target)) {
    return refuse(`--target ${request.target}: no such target; configured targets: ${Object.keys(setup.systems.targets).join(', ') || 'none'}`);
  }
  return { ok: true, config, setup };
}
