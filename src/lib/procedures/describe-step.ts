import type { ExecutableStep } from './procedure-catalog.ts';

/** A one-line summary of a step for the log and the Run bar. */
export function describeStep(step: ExecutableStep): string {
  switch (step.kind) {
    case 'build':
      return `docker build ${step.tags.map((t) => `-t ${t}`).join(' ')} ${step.contextPath}`.replace(/\s+/g, ' ');
    case 'run':
      return `docker run ${step.image} ${step.cmd.join(' ')}`.trim();
    case 'image-inspect':
      return `docker image inspect ${step.images.join(' ')}`;
    case 'check':
      return `contract check of ${step.spec.image}: ${step.spec.expect.length} assertions`;
    case 'compose-build':
      return `docker compose build of project ${step.project} (${step.files.join(', ')}): ${step.builds.map((b) => b.service).join(', ')}`;
  }
}

/** A short label for the kind of a step. */
export function stepLabel(step: ExecutableStep): string {
  if (step.kind === 'image-inspect') return 'docker image inspect';
  if (step.kind === 'compose-build') return 'docker compose build';
  return step.kind === 'check' ? 'contract check' : `docker ${step.kind}`;
}
