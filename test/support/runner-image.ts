import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Builds the example runner image from examples/runner unless the tag already exists. */
export function ensureRunnerImage(tag = 'skriptoteket-runner:latest'): void {
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
  } catch {
    execFileSync('docker', ['build', '-q', '-f', 'Dockerfile.runner', '-t', tag, '.'], { cwd: path.join(ROOT, 'examples/runner'), stdio: 'ignore' });
  }
}
