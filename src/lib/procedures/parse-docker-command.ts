import type { VariableLookup } from './declared-variables.ts';
import { type Outcome, SUPPORTED_COMMANDS, needsShell, refuse } from '../shared/index.ts';
import { parseDockerBuild } from './parse-docker-build.ts';
import { parseDockerCompose } from './parse-docker-compose.ts';
import { parseDockerImageInspect, parseDockerInspect } from './parse-docker-image-inspect.ts';
import { parseDockerRun } from './parse-docker-run.ts';
import { sshReason } from './ssh-hint.ts';
import type { Step } from './step-schemas.ts';

/** Re-exported for the HTTP layer, which validates operator-supplied image variables. */
export { validateImageReference } from './image-reference.ts';

// Routes one command's argv to the parser for its docker subcommand. Everything else is
// refused by name, so the author sees exactly which command keeps the block from running.

const SHELL_BUILTINS = new Set([
  'cd', 'source', '.', 'set', 'unset', 'alias', 'eval', 'exec', 'exit', 'read', 'pushd', 'popd', 'shift', 'trap',
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select',
  'time', '[[', ']]', '[', 'test',
]);

const COMMAND_HINTS: Record<string, string> = {
  scp: ' (it copies files to or from another host)',
  sudo: ' (nothing runs on the server itself)',
  export: ' (declare variables in the systems configuration instead)',
};

const DOCKER_HINTS: Record<string, string> = {
  buildx: 'docker buildx is not supported; use docker build, which runs on the engine\'s own builder',
};

/**
 * Parses one command (argv after tokenising) into a step, or the reason it can't run.
 * `systemDir` is the system's folder, where `docker compose build` finds its compose files.
 */
export function parseDockerCommand(argv: readonly string[], lookup: VariableLookup, systemDir: string | null = null): Outcome<Step> {
  const [program, sub, ...rest] = argv;
  if (program === undefined) return refuse('empty command');
  if (program === 'ssh') return refuse(sshReason(argv.slice(1)));
  if (program === 'docker-compose') {
    return refuse('docker-compose (the Compose v1 command) is not supported; write docker compose, whose builds runbook-live runs the way Compose v2 does');
  }
  if (program !== 'docker') return refuseProgram(program);
  if (sub === undefined) return refuse(`docker without a subcommand does nothing; runbook-live runs ${SUPPORTED_COMMANDS}`);
  if (sub.startsWith('-')) {
    return refuse(`docker global flags (${sub}) are not supported; runbook-live always talks to its configured Docker engine`);
  }
  const [object, ...objectArgs] = rest;
  switch (sub) {
    case 'build':
      return parseDockerBuild(rest, lookup);
    case 'run':
      return parseDockerRun(rest, lookup);
    case 'inspect':
      return parseDockerInspect(rest);
    case 'compose':
      return parseDockerCompose(rest, lookup, systemDir);
    case 'image':
      if (object === 'build') return parseDockerBuild(objectArgs, lookup);
      if (object === 'inspect') return parseDockerImageInspect(objectArgs);
      return refuseDocker(['image', object]);
    case 'container':
      if (object === 'run') return parseDockerRun(objectArgs, lookup);
      return refuseDocker(['container', object]);
    default:
      return Object.hasOwn(DOCKER_HINTS, sub) ? refuse(DOCKER_HINTS[sub] ?? '') : refuseDocker([sub]);
  }
}

function refuseDocker(words: readonly (string | undefined)[]): Outcome<Step> {
  const command = ['docker', ...words.filter((word) => word !== undefined)].join(' ');
  return refuse(`${command} is not supported; runbook-live runs only ${SUPPORTED_COMMANDS}`);
}

function refuseProgram(program: string): Outcome<Step> {
  if (SHELL_BUILTINS.has(program)) {
    return refuse(needsShell(`${program} is a shell keyword or builtin and needs a shell`));
  }
  const hint = Object.hasOwn(COMMAND_HINTS, program) ? COMMAND_HINTS[program] : '';
  return refuse(`${program} is not supported${hint}; runbook-live runs only ${SUPPORTED_COMMANDS}`);
}
