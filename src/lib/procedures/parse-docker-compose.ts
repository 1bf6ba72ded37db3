import { type Outcome, refuse } from '../shared/index.ts';
import type { VariableLookup } from './declared-variables.ts';
import { type FlagSpec, type FlagTable, type ParsedFlags, lastValue, parseFlags } from './parse-flags.ts';
import { parseKeyValues } from './parse-key-values.ts';
import { resolveComposeBuild } from './resolve-compose-build.ts';
import type { ComposeBuildStep } from './step-schemas.ts';

// `docker compose [-f FILE]… [-p NAME] [--profile NAME]… [--project-directory DIR] build
// [--no-cache] [--pull] [--with-dependencies] [--build-arg K=V]… [SERVICE…]`. Compose's global
// flags are cobra persistent flags, so they may also follow `build`. Only `build` runs: it is
// the one compose command that is a sequence of Engine API calls with nothing left running.

const PROJECT_FLAGS: readonly FlagSpec[] = [
  { name: 'file', short: 'f', takesValue: true },
  { name: 'project-name', short: 'p', takesValue: true },
  { name: 'profile', takesValue: true },
  { name: 'project-directory', takesValue: true },
  // Output styling only; the build is the same.
  { name: 'ansi', takesValue: true },
  { name: 'progress', takesValue: true },
];

const PROJECT_REFUSALS: FlagTable['refused'] = [
  { name: 'env-file', reason: "compose would read variables from that file; declare them under the system's variables instead" },
  { name: 'compatibility', reason: 'compatibility mode names images the Compose v1 way; runbook-live names them as Compose v2 does' },
  { name: 'dry-run', reason: 'a dry run builds nothing, and runbook-live would build' },
  { name: 'parallel', reason: 'runbook-live builds the services one after another' },
];

/** Flags before the subcommand. */
export const dockerComposeFlags: FlagTable = {
  command: 'docker compose',
  interspersed: false,
  flags: PROJECT_FLAGS,
  refused: [...PROJECT_REFUSALS, { name: 'all-resources', reason: 'it only matters to commands that create resources' }],
};

/** Flags of `docker compose build`, with the project flags compose also takes there. */
export const dockerComposeBuildFlags: FlagTable = {
  command: 'docker compose build',
  interspersed: true,
  flags: [
    { name: 'no-cache', takesValue: false },
    { name: 'pull', takesValue: false },
    { name: 'with-dependencies', takesValue: false },
    { name: 'build-arg', takesValue: true },
    ...PROJECT_FLAGS,
  ],
  refused: [
    ...PROJECT_REFUSALS,
    { name: 'push', reason: 'pushing needs registry credentials; runbook-live only builds images' },
    { name: 'ssh', reason: 'SSH agent forwarding needs an agent on the client; runbook-live has none' },
    { name: 'builder', reason: "runbook-live builds with the engine's own builder" },
    { name: 'memory', short: 'm', reason: 'a memory limit for build containers is not supported' },
    { name: 'print', reason: 'it prints the build definition instead of building' },
    { name: 'quiet', short: 'q', reason: 'runbook-live always shows the build output in the run log' },
  ],
};

/** Parses the words after `docker compose` and resolves the build against the system's compose files. */
export function parseDockerCompose(args: readonly string[], lookup: VariableLookup, systemDir: string | null): Outcome<ComposeBuildStep> {
  const globals = parseFlags(args, dockerComposeFlags);
  if (!globals.ok) return globals;
  const [sub, ...rest] = globals.value.positionals;
  if (sub === undefined) return refuse('docker compose needs a command; runbook-live runs docker compose build');
  if (sub !== 'build') {
    return refuse(`docker compose ${sub} is not supported; of compose's commands runbook-live runs only build (write containers as docker run steps)`);
  }
  const build = parseFlags(rest, dockerComposeBuildFlags);
  if (!build.ok) return build;
  const project = (name: string): string[] => [...(globals.value.values[name] ?? []), ...(build.value.values[name] ?? [])];
  const last = (name: string): string | null => lastValue(build.value, name) ?? lastValue(globals.value, name) ?? null;
  // Build args first, so that variablesUsed sees every bare --build-arg NAME.
  const buildArgs = parseKeyValues(build.value.values['build-arg'] ?? [], '--build-arg', 'variable', lookup);
  if (!buildArgs.ok) return buildArgs;
  return resolveComposeBuild(
    {
      files: project('file'),
      projectDirectory: last('project-directory'),
      projectName: last('project-name'),
      profiles: project('profile'),
      services: build.value.positionals,
      noCache: switched(build.value, 'no-cache'),
      pull: switched(build.value, 'pull'),
      withDependencies: switched(build.value, 'with-dependencies'),
      buildArgs: buildArgs.value,
    },
    systemDir,
    lookup,
  );
}

function switched(parsed: ParsedFlags, name: string): boolean {
  return parsed.switches[name] === true;
}
