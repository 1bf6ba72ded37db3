import type { DockerTarget } from './docker-target.ts';
import { DockerEngineError, DockerError, DockerUnreachableError } from './errors.ts';

/** The shape of errors docker-modem, node's net/tls and ssh2 reject with. */
interface RawError {
  name?: string;
  code?: string;
  syscall?: string;
  level?: string;
  message?: string;
  statusCode?: number;
  json?: unknown;
  cause?: unknown;
}

const CONNECT_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'ENOTSOCK',
]);

const FILE_LIKE_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOTSOCK']);

const HINTS: Record<string, string> = {
  ENOENT: 'No socket exists at that path: start the Docker engine, or point the target url at the socket it listens on.',
  ECONNREFUSED: 'Nothing accepts connections there: start the Docker engine, or fix the target url.',
  EACCES: 'Permission denied on the socket: run runbook-live as root or as a user in the "docker" group.',
  EPERM: 'Permission denied on the socket: run runbook-live as root or as a user in the "docker" group.',
  ENOTSOCK: 'That path is not a socket: point the target url at the Docker engine socket.',
  ENOTFOUND: 'The host name does not resolve: fix the target url.',
  EAI_AGAIN: 'The host name could not be resolved right now: check DNS, or use an IP address.',
  TIMEOUT: 'The engine did not answer in time: check that it is running and healthy and that the network path is open.',
  TLS: 'The TLS handshake failed: check the target\'s tls ca/cert/key files match the engine\'s certificates.',
  SSH: 'The SSH connection failed: check the host and user, and that your key is loaded in ssh-agent (SSH_AUTH_SOCK).',
};

const DEFAULT_HINT = 'Check the Docker engine is running and the target url is right.';

/** The engine's own message for an HTTP error (docker-modem puts the JSON body on `json`). */
export function engineMessage(error: unknown): string {
  const raw = error as RawError;
  const json = raw?.json as { message?: unknown } | string | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message.trim();
  if (typeof json === 'string' && json.trim()) return json.trim();
  if (Buffer.isBuffer(raw?.json)) return raw.json.toString('utf8').trim();
  return String(raw?.message ?? error).trim();
}

/** HTTP status of an engine refusal, or undefined for transport errors. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as RawError)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** True when the error is an abort caused by the given signal (the caller cancelled). */
export function isAbortError(error: unknown): boolean {
  const raw = error as RawError;
  return raw?.name === 'AbortError' || raw?.code === 'ABORT_ERR';
}

/** The reason the connection itself failed (`ENOENT`, `TIMEOUT`, `TLS`, `SSH`, …), or undefined. */
export function connectionFailureReason(error: unknown): string | undefined {
  const raw = error as RawError;
  if (!raw || typeof raw !== 'object' || statusCodeOf(error) !== undefined) return undefined;
  if (raw.name === 'TimeoutError' || (raw.cause as RawError | undefined)?.name === 'TimeoutError') return 'TIMEOUT';
  // A file error while streaming a build context also carries ENOENT/EACCES; only `connect` counts.
  if (raw.code && FILE_LIKE_CODES.has(raw.code) && raw.syscall !== 'connect') return undefined;
  if (raw.code && CONNECT_CODES.has(raw.code)) return raw.code === 'ETIMEDOUT' ? 'TIMEOUT' : raw.code;
  if (typeof raw.level === 'string' && raw.level.startsWith('client-')) return raw.level === 'client-timeout' ? 'TIMEOUT' : 'SSH';
  if (raw.code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(raw.code)) return 'TLS';
  return undefined;
}

/** A `DockerUnreachableError` naming the target's host and what to do. */
export function unreachable(target: DockerTarget, reason: string, cause?: unknown): DockerUnreachableError {
  return new DockerUnreachableError(target.host, reason, HINTS[reason] ?? DEFAULT_HINT, { cause });
}

/**
 * Normalises anything a dockerode call rejected with: our own errors pass through, transport
 * failures become `DockerUnreachableError`, engine refusals become `DockerEngineError`.
 */
export function toDockerError(error: unknown, target: DockerTarget, action: string): Error {
  if (error instanceof DockerError) return error;
  const reason = connectionFailureReason(error);
  if (reason) return unreachable(target, reason, error);
  if (isAbortError(error)) return error as Error;
  return new DockerEngineError(action, engineMessage(error), statusCodeOf(error), { cause: error });
}
