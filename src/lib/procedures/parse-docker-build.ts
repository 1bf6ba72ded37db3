import path from 'node:path';
import type { VariableLookup } from './declared-variables.ts';
import { type FlagTable, lastValue, parseFlags } from './parse-flags.ts';
import { parseKeyValues } from './parse-key-values.ts';
import { type Outcome, accept, refuse, show } from '../shared/index.ts';
import { validateImageReference } from './image-reference.ts';
import { type BuildStep, buildStepSchema, describeIssues } from './step-schemas.ts';

// Only what the classic /build endpoint supports. BuildKit-only flags (--secret, --ssh,
// --cache-from with exporters, --output) are left unsupported rather than approximated.

/** The flags `docker build` accepts here, and the ones it refuses with a reason. */
export const dockerBuildFlags: FlagTable = {
  command: 'docker build',
  interspersed: true,
  flags: [
    { name: 'file', short: 'f', takesValue: true },
    { name: 'tag', short: 't', takesValue: true },
    { name: 'build-arg', takesValue: true },
    { name: 'target', takesValue: true },
    { name: 'label', takesValue: true },
    { name: 'no-cache', takesValue: false },
    { name: 'pull', takesValue: false },
    { name: 'quiet', short: 'q', takesValue: false },
    { name: 'platform', takesValue: true },
  ],
  refused: [
    { name: 'secret', reason: 'build secrets are read from the client machine; runbook-live has no such files' },
    { name: 'ssh', reason: 'SSH agent forwarding needs a client-side agent; runbook-live has none' },
    { name: 'output', short: 'o', reason: 'build outputs are written on the client; runbook-live only builds images' },
    { name: 'iidfile', reason: 'writing files on the client is not supported' },
  ],
};

const REMOTE_CONTEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

/** Parses the words after `docker build` (or `docker image build`) into a build step. */
export function parseDockerBuild(args: readonly string[], lookup: VariableLookup): Outcome<BuildStep> {
  const flags = parseFlags(args, dockerBuildFlags);
  if (!flags.ok) return flags;
  const parsed = flags.value;
  // Build args first: variablesUsed relies on every bare --build-arg NAME being looked up.
  const buildArgs = parseKeyValues(parsed.values['build-arg'] ?? [], '--build-arg', 'variable', lookup);
  if (!buildArgs.ok) return buildArgs;

  if (parsed.positionals.length !== 1) {
    const got = parsed.positionals.length === 0 ? 'none' : parsed.positionals.map(show).join(', ');
    return refuse(`docker build needs exactly one context path (e.g. "."), got ${got}`);
  }
  const context = checkLocalPath(parsed.positionals[0] ?? '', 'build context');
  if (!context.ok) return context;

  const file = lastValue(parsed, 'file');
  const dockerfile =
    file === undefined ? accept(path.posix.join(context.value, 'Dockerfile')) : checkLocalPath(file, 'Dockerfile (-f)');
  if (!dockerfile.ok) return dockerfile;

  const tags = parsed.values.tag ?? [];
  for (const tag of tags) {
    const problem = validateImageReference(tag);
    if (problem !== null) return refuse(`docker build -t: ${problem}`);
    if (tag.includes('@')) return refuse(`docker build -t ${show(tag)}: a tag can't contain a digest; drop the @sha256:... part`);
  }
  const labels = parseKeyValues(parsed.values.label ?? [], '--label', 'empty', lookup);
  if (!labels.ok) return labels;

  const target = lastValue(parsed, 'target');
  const platform = lastValue(parsed, 'platform');
  const step = buildStepSchema.safeParse({
    kind: 'build',
    dockerfile: dockerfile.value,
    tags,
    buildArgs: buildArgs.value,
    ...(target === undefined ? {} : { target }),
    labels: labels.value,
    noCache: parsed.switches['no-cache'] === true,
    pull: parsed.switches.pull === true,
    quiet: parsed.switches.quiet === true,
    contextPath: context.value,
    ...(platform === undefined ? {} : { platform }),
  });
  return step.success ? accept(step.data) : refuse(`docker build: ${describeIssues(step.error)}`);
}

// Contexts and Dockerfiles must stay inside the block's working directory (the checked-out
// repository); the engine receives them as a tar stream built on the server.
function checkLocalPath(raw: string, what: string): Outcome<string> {
  if (raw === '-') return refuse(`docker build: reading the ${what} from stdin (-) is not supported; use a path such as "."`);
  if (REMOTE_CONTEXT.test(raw)) return refuse(`docker build: remote ${what} ${show(raw)} is not supported; use a local path such as "."`);
  if (raw === '' || raw.startsWith('/')) {
    return refuse(`docker build: ${what} ${show(raw)} must be a relative path inside the working directory, e.g. "."`);
  }
  const normalized = path.posix.normalize(raw);
  if (normalized === '..' || normalized.startsWith('../')) {
    return refuse(`docker build: ${what} ${show(raw)} points outside the working directory; use a path inside it`);
  }
  return accept(normalized.replace(/\/$/, '') || '.');
}
