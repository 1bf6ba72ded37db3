/**
 * Typed failures of the Docker layer. Each carries a permanent `code` that callers and the UI
 * may switch on, and a message that says what happened, why, and what to do.
 */

/** Every code a Docker-layer failure can carry: permanent PascalCase names, never reworded. */
export const DOCKER_ERROR_CODES = ['InvalidDockerTarget', 'DockerUnreachable', 'ImageNotFound', 'BuildContextInvalid', 'BuildFailed', 'ContainerStartFailed', 'DockerEngineError'] as const;
export type DockerErrorCode = (typeof DOCKER_ERROR_CODES)[number];

/** Common base so callers can catch every Docker-layer failure with one `instanceof`. */
export class DockerError extends Error {
  /** Permanent machine-readable code; never reworded. */
  readonly code: DockerErrorCode;
  constructor(code: DockerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerError';
    this.code = code;
  }
}

/** The target configuration itself is wrong (bad URL, missing TLS file); nothing was contacted. */
export class InvalidDockerTargetError extends DockerError {
  /** The configured target name, or `(unnamed)`. */
  readonly target: string;
  /** One line per problem. */
  readonly problems: string[];
  constructor(target: string, problems: string[]) {
    super(
      'InvalidDockerTarget',
      `Docker target "${target}" is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Use unix:///path/to/docker.sock, tcp://host:port (optionally with tls ca/cert/key paths) or ssh://user@host.',
    );
    this.name = 'InvalidDockerTargetError';
    this.target = target;
    this.problems = problems;
  }
}

/** The engine could not be reached at all: no socket, refused, no permission, or no answer in time. */
export class DockerUnreachableError extends DockerError {
  /** The socket path or URL that was tried. */
  readonly host: string;
  /** The low-level reason, e.g. `ENOENT`, `ECONNREFUSED`, `EACCES`, `TIMEOUT`. */
  readonly reason: string;
  constructor(host: string, reason: string, hint: string, options?: { cause?: unknown }) {
    super('DockerUnreachable', `Cannot reach the Docker engine at ${host} (${reason}). ${hint}`, options);
    this.name = 'DockerUnreachableError';
    this.host = host;
    this.reason = reason;
  }
}

/** The image is not present on the engine; nothing is ever pulled implicitly. */
export class ImageNotFoundError extends DockerError {
  /** The image reference that was asked for. */
  readonly image: string;
  constructor(image: string, options?: { cause?: unknown }) {
    super(
      'ImageNotFound',
      `Image "${image}" does not exist on the Docker engine. ` +
        'Build it first (or load/pull it onto the engine yourself); runbook-live never pulls images implicitly.',
      options,
    );
    this.name = 'ImageNotFoundError';
    this.image = image;
  }
}

/** The build request is unusable before anything is sent (missing context, Dockerfile outside it). */
export class BuildContextError extends DockerError {
  /** The context directory as given. */
  readonly contextDir: string;
  constructor(contextDir: string, problem: string) {
    super(
      'BuildContextInvalid',
      `Cannot build from context "${contextDir}": ${problem}. ` +
        'Point contextDir at an existing directory and give the Dockerfile as a path inside it.',
    );
    this.name = 'BuildContextError';
    this.contextDir = contextDir;
  }
}

/**
 * A build the engine rejected or that failed in a step. `buildImage` reports this as a result
 * (`ok: false`); the class exists for callers that prefer to throw, see `BuildResult`.
 */
export class BuildFailedError extends DockerError {
  constructor(detail: string) {
    super('BuildFailed', `docker build failed: ${detail}. Read the build log above for the failing step and fix it.`);
    this.name = 'BuildFailedError';
  }
}

/** The container was created but the engine refused to start it (e.g. executable not found). */
export class ContainerStartError extends DockerError {
  /** The image the container was created from. */
  readonly image: string;
  constructor(image: string, detail: string, options?: { cause?: unknown }) {
    super(
      'ContainerStartFailed',
      `The engine could not start a container from "${image}": ${detail}. ` +
        'Check the command/entrypoint exists in the image and the run options are supported by this engine.',
      options,
    );
    this.name = 'ContainerStartError';
    this.image = image;
  }
}

/** Any other engine-side refusal (HTTP error) that has no more specific class. */
export class DockerEngineError extends DockerError {
  /** HTTP status the engine answered with, when known. */
  readonly statusCode: number | undefined;
  constructor(action: string, detail: string, statusCode: number | undefined, options?: { cause?: unknown }) {
    super(
      'DockerEngineError',
      `The Docker engine refused to ${action}: ${detail}. Check the engine log and the request options.`,
      options,
    );
    this.name = 'DockerEngineError';
    this.statusCode = statusCode;
  }
}
