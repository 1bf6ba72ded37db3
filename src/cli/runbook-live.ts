// `runbook-live <command>`: the command-line entry point (bin/runbook-live.mjs loads it).
// Subcommands: `check` runs checks headless for pipelines. See the README.
import { runCheckCommand } from './check-command.ts';

const USAGE = `Usage: runbook-live <command> [options]

Commands:
  check [--all | <check id>…] [--target NAME] [--var NAME=VALUE]… [--json] [--junit FILE]
        run contract checks headless and report each assertion (exit 0 all passed, 1 failed)

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
  const io = {
    env: process.env,
    cwd: process.cwd(),
    out: (text: string) => void pending.push(write(process.stdout, text)),
    err: (text: string) => void pending.push(write(process.stderr, text)),
  };
  let code: number;
  if (command === 'check') {
    code = await runCheckCommand(rest, io);
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
