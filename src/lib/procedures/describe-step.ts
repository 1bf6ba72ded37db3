import type { Step } from './step-schemas.ts';

/** A one-line summary of a step for the log. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'build':
      return `docker build ${step.tags.map((t) => `-t ${t}`).join(' ')} ${step.contextPath}`.replace(/\s+/g, ' ');
    case 'run':
      return `docker run ${step.image} ${step.cmd.join(' ')}`.trim();
    case 'image-inspect':
      return `docker image inspect ${step.images.join(' ')}`;
  }
}
