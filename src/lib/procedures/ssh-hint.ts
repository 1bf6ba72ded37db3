// Why an `ssh HOST "…"` line stays a manual step, and what would make it run: when the remote
// command is a docker command, the same work can go through HOST's Docker engine as a target
// (ssh://user@host in the systems configuration), with the line written without ssh.

// OpenSSH options that take a value (ssh(1)); every other -x is a switch.
const VALUE_OPTIONS = new Set(['B', 'b', 'c', 'D', 'E', 'e', 'F', 'I', 'i', 'J', 'L', 'l', 'm', 'O', 'o', 'P', 'p', 'Q', 'R', 'S', 'W', 'w']);

/** The reason given for a line that starts with ssh (`args` are the words after it). */
export function sshReason(args: readonly string[]): string {
  const base = 'ssh is not supported (it runs commands on another host)';
  const remote = parseSsh(args);
  if (remote === null) return `${base}; runbook-live runs only commands it can send to a Docker engine`;
  const docker = dockerCommandIn(remote.command);
  if (docker === null) return `${base}; runbook-live runs only docker commands, through a Docker engine it is configured for`;
  const user = remote.user ?? 'USER';
  return (
    `${base}; to run it through the Docker engine on ${remote.host} instead, declare a target for that host ` +
    `(targets: { ${remote.host}: { url: ssh://${user}@${remote.host} } }), list it under the system's targets, ` +
    `and write the line without ssh: ${docker} (the files it reads then come from the system's folder, not from ${remote.host})`
  );
}

/** The destination and remote command of an ssh argv, or null when it names no host. */
function parseSsh(args: readonly string[]): { host: string; user: string | null; command: string } | null {
  let user: string | null = null;
  let index = 0;
  for (; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      index += 1;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const option = arg[1] ?? '';
    if (!VALUE_OPTIONS.has(option)) continue;
    const value = arg.length > 2 ? arg.slice(2) : args[++index];
    if (option === 'l' && value !== undefined) user = value;
  }
  const destination = args[index];
  if (destination === undefined) return null;
  const match = /^(?:ssh:\/\/)?(?:([^@]+)@)?([^:/]+)/.exec(destination);
  if (match === null) return null;
  return { host: match[2]!, user: match[1] ?? user, command: args.slice(index + 1).join(' ') };
}

// The docker command in a remote command line, after any `cd … &&` or `;` before it.
function dockerCommandIn(command: string): string | null {
  const parts = command.split(/&&|;|\|\||\n/).map((part) => part.trim());
  const docker = parts.find((part) => /^docker(\s|$)/.test(part));
  return docker === undefined ? null : docker.replace(/\s+/g, ' ');
}
