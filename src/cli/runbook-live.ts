// `runbook-live <command>`: the command-line entry point (bin/runbook-live.mjs loads it).
// One module per verb: `check` runs contract checks headless for pipelines, `run` runs whole
// runbooks step by step, `docs-check` validates a docs folder against its contract. See the README.
import { enableCompileCache } from 'node:module';
import type { CommandIo } from './command-io.ts';

// Every run loads the same TypeScript modules; caching their compiled form (in the system's
// temp folder, keyed by file content) saves most of the start-up after the first run.
enableCompileCache();

type Command = (args: readonly string[], io: CommandIo) => Promise<number>;

/**
 * The verbs, each a module exporting a function from arguments and io to an exit code. Loaded
 * only when named, so `docs-check` never pays for loading Docker and the run machinery.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check-command.ts')).runCheckCommand,
  'docs-check': async () => (await import('./docs-check-command.ts')).runDocsCheckCommand,
  run: async () => (await import('./run-command.ts')).runRunCommand,
  token: async () => (await import('./token-command.ts')).runTokenCommand,
};

const USAGE = `Usage: runbook-live <command> [options]

Commands:
  check [--all | <check id>…] [--target NAME] [--var NAME=VALUE]… [--json] [--junit FILE]
        run contract checks headless and report each assertion (exit 0 all passed, 1 failed)
  run <doc id>… [--target NAME] [--var NAME=VALUE]… [--keep-going] [--json] [--junit FILE]
        run whole runbooks, step by step in document order (exit 0 all passed, 1 a step failed)
  docs-check [DIR] [--json]
        validate a docs folder against its contract (exit 0 clean, 1 findings, 2 unreadable)
  token create NAME --role viewer|operator|admin
        mint a named API token: printed once, with the line to add under auth.tokens

Run 'runbook-live <command> --help' for a command's options.`;

/** Writes and waits until the stream took it, so exiting right after loses nothing. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(text, () => resolve());
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const pending: Promise<void>[] = [];
  const io: CommandIo = {
    env: process.env,
    cwd: process.cwd(),
    out: (text: string) => void pending.push(write(process.stdout, text)),
    err: (text: string) => void pending.push(write(process.stderr, text)),
  };
  let code: number;
  const load = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (load) {
    code = await (await load())(rest, io);
  } else if (command === '--help' || command === '-h' || command === 'help') {
    io.out(`${USAGE}\n`);
    code = 0;
  } else {
    io.err(`${command === undefined ? 'runbook-live: name a command' : `runbook-live: unknown command '${command}'`}\n\n${USAGE}\n`);
    code = 2;
  }
  await Promise.all(pending);
  return code;
}

// A reader that closed the pipe early (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

try {
  // Exit explicitly: Docker connections kept alive must not hold the process open.
  process.exit(await main(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`runbook-live: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
