import { validateImageReference } from './image-reference.ts';
import { type Outcome, accept, refuse, show } from '../shared/index.ts';
import { type FlagTable, lastValue, parseFlags } from './parse-flags.ts';
import { type ImageInspectStep, describeIssues, imageInspectStepSchema } from './step-schemas.ts';

// Inspecting is read-only, so it's safe; only the image form is accepted because plain
// `docker inspect NAME` may resolve to a container or volume depending on engine state.

const FORMAT_REASON = 'output templates are rendered by the docker CLI; runbook-live shows the full JSON instead, so drop it';

/** The flags `docker image inspect` accepts here. */
export const dockerImageInspectFlags: FlagTable = {
  command: 'docker image inspect',
  interspersed: true,
  flags: [],
  refused: [{ name: 'format', short: 'f', reason: FORMAT_REASON }],
};

/** The flags `docker inspect` accepts here: only --type image. */
export const dockerInspectFlags: FlagTable = {
  command: 'docker inspect',
  interspersed: true,
  flags: [{ name: 'type', takesValue: true }],
  refused: [
    { name: 'format', short: 'f', reason: FORMAT_REASON },
    { name: 'size', short: 's', reason: 'sizes apply to containers; use docker image inspect' },
  ],
};

/** Parses the words after `docker image inspect` into an image-inspect step. */
export function parseDockerImageInspect(args: readonly string[]): Outcome<ImageInspectStep> {
  const flags = parseFlags(args, dockerImageInspectFlags);
  if (!flags.ok) return flags;
  return imageInspectStep('docker image inspect', flags.value.positionals);
}

/** Parses the words after `docker inspect`; only `--type image` (or `--type=image`) is runnable. */
export function parseDockerInspect(args: readonly string[]): Outcome<ImageInspectStep> {
  const flags = parseFlags(args, dockerInspectFlags);
  if (!flags.ok) return flags;
  const type = lastValue(flags.value, 'type');
  if (type !== 'image') {
    const given = type === undefined ? 'without --type' : `with --type ${show(type)}`;
    return refuse(`docker inspect ${given} may inspect containers or volumes; use docker image inspect IMAGE (or --type image)`);
  }
  return imageInspectStep('docker inspect --type image', flags.value.positionals);
}

function imageInspectStep(command: string, images: string[]): Outcome<ImageInspectStep> {
  if (images.length === 0) return refuse(`${command} needs at least one image, e.g. ${command} alpine:3.20`);
  for (const image of images) {
    const problem = validateImageReference(image);
    if (problem !== null) return refuse(`${command}: ${problem}`);
  }
  const step = imageInspectStepSchema.safeParse({ kind: 'image-inspect', images });
  return step.success ? accept(step.data) : refuse(`${command}: ${describeIssues(step.error)}`);
}
