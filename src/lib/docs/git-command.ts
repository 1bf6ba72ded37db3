import { execFile, type ExecFileException } from 'node:child_process';

/** How long one git run may take and how much it may print before it is stopped. */
export interface GitLimits {
  timeoutMs: number;
  maxBufferBytes: number;
}

/**
 * Runs git with an argument array and resolves to what it printed on standard output. The
 * role the docs domain needs; tests wrap the real one to count runs.
 */
export type GitRunner = (args: readonly string[], limits: GitLimits) => Promise<string>;

/** git could not be run, exited non-zero, ran too long or printed too much. */
export class GitCommandError extends Error {
  readonly code = 'GitCommandFailed';
}

// A server started from inside a git hook or another repository's shell would otherwise
// point every run at that repository instead of the one named with -C.
const INHERITED_REPOSITORY = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR', 'GIT_NAMESPACE'];

/**
 * The one place a child process is started: `git` (or `binary`) through `execFile`, with
 * arguments as an array and no shell, so nothing in a path or a config value is ever
 * interpreted. Never asks for credentials and takes no optional locks, so a server reading
 * history never holds up someone committing in the same checkout.
 */
export function execFileGit(binary = 'git'): GitRunner {
  return (args, limits) =>
    new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
      for (const name of INHERITED_REPOSITORY) delete env[name];
      execFile(binary, [...args], { encoding: 'utf8', timeout: limits.timeoutMs, maxBuffer: limits.maxBufferBytes, windowsHide: true, env }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        reject(new GitCommandError(`${binary} ${args.join(' ')} failed: ${whyItFailed(error, stderr, binary, limits)}`));
      });
    });
}

function whyItFailed(error: ExecFileException, stderr: string, binary: string, limits: GitLimits): string {
  if (error.code === 'ENOENT') return `${binary} is not installed or not on PATH`;
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return `it printed more than ${limits.maxBufferBytes} bytes`;
  if (error.killed || error.signal) return `stopped after ${limits.timeoutMs} ms`;
  // git's advice follows its complaint (`dubious ownership` names the safe.directory to add): keep both.
  return stderr.trim().split('\n').map((line) => line.trim()).filter(Boolean).join(' ').slice(0, 500) || error.message;
}
