import type { VariableLookup } from './declared-variables.ts';
import { validateImageReference } from './image-reference.ts';
import { type Outcome, accept, refuse, show } from '../shared/index.ts';
import { type FlagTable, type ParsedFlags, lastValue, parseFlags } from './parse-flags.ts';
import { parseKeyValues } from './parse-key-values.ts';
import { parseNanoCpus, parsePidsLimit } from './parse-resource-limits.ts';
import { parseMemoryBytes } from '../shared/index.ts';
import { type RunStep, describeIssues, runStepSchema } from './step-schemas.ts';

// Containers run to completion with their output streamed back: anything that needs a
// terminal, outlives the step, or reaches into the server's filesystem is refused.

const NEEDS_TERMINAL = 'needs a terminal; runbook-live runs containers to completion without one, so drop it';
const BIND_MOUNTS = 'bind mounts are not supported; use a check block to place files';
const PORTS = 'publishing ports is not supported; containers run to completion without exposed ports';
const DETACH = 'detached containers outlive the step; runbook-live waits for each container to exit, so drop -d';

/** The flags `docker run` accepts here, and the ones it refuses with a reason. */
export const dockerRunFlags: FlagTable = {
  command: 'docker run',
  interspersed: false,
  flags: [
    { name: 'rm', takesValue: false },
    { name: 'env', short: 'e', takesValue: true },
    { name: 'user', short: 'u', takesValue: true },
    { name: 'network', aliases: ['net'], takesValue: true },
    { name: 'read-only', takesValue: false },
    { name: 'cap-drop', takesValue: true },
    { name: 'cap-add', takesValue: true },
    { name: 'security-opt', takesValue: true },
    { name: 'pids-limit', takesValue: true },
    { name: 'memory', short: 'm', takesValue: true },
    { name: 'cpus', takesValue: true },
    { name: 'tmpfs', takesValue: true },
    { name: 'entrypoint', takesValue: true },
    { name: 'name', takesValue: true },
    { name: 'workdir', short: 'w', takesValue: true },
    { name: 'label', short: 'l', takesValue: true },
  ],
  refused: [
    { name: 'interactive', short: 'i', reason: NEEDS_TERMINAL },
    { name: 'tty', short: 't', reason: NEEDS_TERMINAL },
    { name: 'detach', short: 'd', reason: DETACH },
    { name: 'volume', short: 'v', reason: BIND_MOUNTS },
    { name: 'mount', reason: BIND_MOUNTS },
    { name: 'publish', short: 'p', reason: PORTS },
    { name: 'publish-all', short: 'P', reason: PORTS },
    { name: 'privileged', reason: 'privileged containers are not allowed; add only the capabilities needed with --cap-add' },
    { name: 'env-file', reason: 'env files are read from the client machine; use -e KEY=VALUE or declared variables' },
  ],
};

/** Parses the words after `docker run` (or `docker container run`) into a run step. */
export function parseDockerRun(args: readonly string[], lookup: VariableLookup): Outcome<RunStep> {
  const flags = parseFlags(args, dockerRunFlags);
  if (!flags.ok) return flags;
  const parsed = flags.value;

  // Env first: variablesUsed relies on every bare -e NAME being looked up.
  const env = parseKeyValues(parsed.values.env ?? [], '-e/--env', 'variable', lookup);
  if (!env.ok) return env;
  const [image, ...cmd] = parsed.positionals;
  if (image === undefined) return refuse('docker run needs an image, e.g. docker run --rm alpine:3.20 true');
  const imageProblem = validateImageReference(image);
  if (imageProblem !== null) return refuse(`docker run: ${imageProblem}`);
  const labels = parseKeyValues(parsed.values.label ?? [], '-l/--label', 'empty', lookup);
  if (!labels.ok) return labels;
  const tmpfs = parseTmpfs(parsed.values.tmpfs ?? []);
  if (!tmpfs.ok) return tmpfs;
  const limits = parseLimits(parsed);
  if (!limits.ok) return limits;
  const checked = checkFormats(parsed);
  if (checked !== null) return refuse(checked);

  const optional = (name: string, key: string): Record<string, string> => {
    const value = lastValue(parsed, name);
    return value === undefined ? {} : { [key]: value };
  };
  const step = runStepSchema.safeParse({
    kind: 'run',
    image,
    cmd,
    ...optional('entrypoint', 'entrypoint'),
    env: env.value,
    ...optional('user', 'user'),
    ...optional('network', 'network'),
    readOnly: parsed.switches['read-only'] === true,
    capDrop: parsed.values['cap-drop'] ?? [],
    capAdd: parsed.values['cap-add'] ?? [],
    securityOpt: parsed.values['security-opt'] ?? [],
    ...limits.value,
    tmpfs: tmpfs.value,
    remove: parsed.switches.rm === true,
    ...optional('name', 'name'),
    ...optional('workdir', 'workdir'),
    labels: labels.value,
  });
  return step.success ? accept(step.data) : refuse(`docker run: ${describeIssues(step.error)}`);
}

function parseLimits(parsed: ParsedFlags): Outcome<Pick<RunStep, 'pidsLimit' | 'memoryBytes' | 'nanoCpus'>> {
  const limits: Pick<RunStep, 'pidsLimit' | 'memoryBytes' | 'nanoCpus'> = {};
  const pids = lastValue(parsed, 'pids-limit');
  const memory = lastValue(parsed, 'memory');
  const cpus = lastValue(parsed, 'cpus');
  for (const [raw, parse, key, flag] of [
    [pids, parsePidsLimit, 'pidsLimit', '--pids-limit'],
    [memory, parseMemoryBytes, 'memoryBytes', '-m/--memory'],
    [cpus, parseNanoCpus, 'nanoCpus', '--cpus'],
  ] as const) {
    if (raw === undefined) continue;
    const result = parse(raw);
    if (!result.ok) return refuse(`docker run ${flag}: ${result.reason}`);
    limits[key] = result.value;
  }
  return accept(limits);
}

function parseTmpfs(values: readonly string[]): Outcome<Record<string, string>> {
  const mounts = new Map<string, string>();
  for (const raw of values) {
    const colon = raw.indexOf(':');
    const target = colon === -1 ? raw : raw.slice(0, colon);
    if (!target.startsWith('/')) {
      return refuse(`docker run --tmpfs ${show(raw)}: the mount path must be absolute, e.g. /tmp or /tmp:rw,size=64m`);
    }
    mounts.set(target, colon === -1 ? '' : raw.slice(colon + 1));
  }
  return accept(Object.fromEntries(mounts));
}

const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
const CAPABILITY = /^[A-Za-z_]+$/;

const FORMATS: readonly { flag: string; label: string; pattern: RegExp; expected: string }[] = [
  { flag: 'user', label: '-u/--user', pattern: USER, expected: 'user[:group], e.g. 10001:10001' },
  { flag: 'network', label: '--network', pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, expected: 'a network name such as none' },
  { flag: 'name', label: '--name', pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, expected: 'letters, digits, _ . - (2+ characters)' },
  { flag: 'workdir', label: '-w/--workdir', pattern: /^\//, expected: 'an absolute path inside the container, e.g. /app' },
  { flag: 'cap-drop', label: '--cap-drop', pattern: CAPABILITY, expected: 'a capability name such as ALL or NET_RAW' },
  { flag: 'cap-add', label: '--cap-add', pattern: CAPABILITY, expected: 'a capability name such as NET_BIND_SERVICE' },
  { flag: 'security-opt', label: '--security-opt', pattern: /^\S+$/, expected: 'an option such as no-new-privileges' },
];

// Returns the first malformed value, or null when every value is well formed.
function checkFormats(parsed: ParsedFlags): string | null {
  for (const { flag, label, pattern, expected } of FORMATS) {
    for (const value of parsed.values[flag] ?? []) {
      if (!pattern.test(value)) return `docker run ${label} ${show(value)} is not valid; expected ${expected}`;
    }
  }
  for (const option of parsed.values['security-opt'] ?? []) {
    // The CLI reads seccomp profile files from the client's disk before calling the API.
    const seccomp = /^seccomp[=:](.*)$/.exec(option)?.[1];
    if (seccomp !== undefined && seccomp !== 'unconfined' && seccomp !== 'builtin') {
      return (
        `docker run --security-opt ${show(option)}: seccomp profile files are read from the client machine, ` +
        "which runbook-live doesn't have; leave the engine's default profile"
      );
    }
  }
  return null;
}
