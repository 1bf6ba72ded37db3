import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

/** Repository root (this file lives in test/support/). */
const ROOT = path.resolve(import.meta.dirname, '../..');
/** Build context of the good example runner. */
const GOOD_RUNNER_DIR = path.join(ROOT, 'examples/runner');
/** One build context per known-bad variant: test/fixtures/runners/<name>/Dockerfile. */
const VARIANTS_DIR = path.join(ROOT, 'test/fixtures/runners');
/**
 * The tag of this test file's variants (each test file runs in a process of its own): a file of
 * another test run on the same engine builds and removes its own tags, never this file's.
 */
const FILE_TAG = `file-${randomUUID().slice(0, 8)}`;

/**
 * The good runner built from this checkout's examples/runner under this test file's own tag.
 * `skriptoteket-runner:latest` is shared by everyone using the engine and may hold an older
 * runner; a test about what the current runner writes builds and uses this one.
 */
export const GOOD_RUNNER_IMAGE = `runbook-live-test/runner-good:${FILE_TAG}`;

/** A known-bad runner image that breaks exactly one rule of the contract smoke check. */
export interface RunnerVariant {
  /** Directory name under test/fixtures/runners/. */
  readonly name: string;
  /** Local tag the variant is built as: `runbook-live-test/runner-<name>:file-<random>`, this test file's own. */
  readonly image: string;
  /** The label of the one smoke-check assertion this variant fails (the runbook's `name:`). */
  readonly breaks: string;
}

const variant = (name: string, breaks: string): RunnerVariant => ({
  name,
  image: `runbook-live-test/runner-${name}:${FILE_TAG}`,
  breaks,
});

/**
 * Every known-bad runner variant. Each one is the good runner with a single change (see the
 * comment at the top of its Dockerfile), so exactly one smoke-check assertion fails.
 */
export const RUNNER_VARIANTS: readonly RunnerVariant[] = [
  variant('runs-as-root', 'the image declares a non-root user'),
  variant('wrong-contract-version', 'result.json is contract v2'),
  variant('artifact-escapes-output', 'artifacts stay under output/'),
  variant('ignores-memory-path', 'saved settings reach the tool'),
  variant('no-result-json', 'result.json is written'),
  variant('hangs-past-timeout', 'the runner exits 0 after writing its result'),
];

/** Runs the docker CLI against the test engine (DOCKER_TEST_URL, like the dockerode helpers). */
function docker(args: string[]): string {
  return execFileSync('docker', args, {
    cwd: ROOT,
    encoding: 'utf8',
    // Quiet on success; on failure Node puts stderr into the thrown error's message.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOCKER_HOST: process.env.DOCKER_TEST_URL ?? process.env.DOCKER_HOST },
  });
}

function imageExists(tag: string): boolean {
  try {
    docker(['image', 'inspect', '--format', '{{.Id}}', tag]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Test set-up: builds the good runner from examples/runner as `baseImage` when no image has that
 * tag yet, then builds every variant in {@link RUNNER_VARIANTS} on top of it. Offline: the
 * runner's base (`python:3.13-slim`) must already be local. Layers are cached, so re-running is cheap.
 */
export async function buildRunnerVariants(baseImage = 'skriptoteket-runner:latest'): Promise<void> {
  // This file's own good runner is always built from the current sources (layers are cached).
  if (baseImage === GOOD_RUNNER_IMAGE || !imageExists(baseImage)) {
    docker(['build', '-q', '-f', path.join(GOOD_RUNNER_DIR, 'Dockerfile.runner'), '-t', baseImage, GOOD_RUNNER_DIR]);
  }
  for (const { name, image } of RUNNER_VARIANTS) {
    docker(['build', '-q', '--build-arg', `BASE_RUNNER=${baseImage}`, '-t', image, path.join(VARIANTS_DIR, name)]);
  }
}

/** Builds this file's own good runner ({@link GOOD_RUNNER_IMAGE}) from the current sources; cached layers make it quick. */
export function buildGoodRunner(): string {
  docker(['build', '-q', '-f', path.join(GOOD_RUNNER_DIR, 'Dockerfile.runner'), '-t', GOOD_RUNNER_IMAGE, GOOD_RUNNER_DIR]);
  return GOOD_RUNNER_IMAGE;
}

/**
 * Test tear-down: removes this file's variant tags (never the good runner, which other tests
 * share; the layers stay cached for the next file). A tag that is already gone is fine.
 */
export async function removeRunnerVariants(): Promise<void> {
  for (const image of [...RUNNER_VARIANTS.map((v) => v.image), GOOD_RUNNER_IMAGE]) {
    try {
      docker(['image', 'rm', '--force', image]);
    } catch (error) {
      if (!/no such image/i.test(String((error as Error).message))) throw error;
    }
  }
}
