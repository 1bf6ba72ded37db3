/** Loopback names a browser on this machine uses; always allowed (a rebinding attacker's name is never one of them). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** Listen addresses that mean "every interface"; a browser never sends them as a host name. */
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]']);

/** One entry of the allowed hosts: a name (or `*.` suffix) and, optionally, the one port it is allowed on. */
interface HostPattern {
  name: string;
  suffix: boolean;
  port: string | null;
}

/** A `Host` header split into a lower-case name (IPv6 in brackets, no trailing dot) and its port, or null when it is not one. */
export function parseHostHeader(value: string): { name: string; port: string | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return null;
  return { name: match[1]!.toLowerCase().replace(/\.$/, ''), port: match[2] ?? null };
}

function toPattern(entry: string): HostPattern | null {
  const suffix = entry.startsWith('*.');
  const parsed = parseHostHeader(suffix ? entry.slice(2) : entry);
  return parsed ? { name: parsed.name, suffix, port: parsed.port } : null;
}

/**
 * The host names this server answers to: loopback, the listen address (unless it is a
 * wildcard such as 0.0.0.0) and the configured entries, each with any port unless it names one.
 */
export class AllowedHosts {
  private readonly patterns: HostPattern[];
  /** The entries as configured, for messages. */
  readonly entries: string[];

  constructor(configured: string[], listenHost: string | null) {
    const listen = listenHost && !WILDCARD_ADDRESSES.has(listenHost) ? [listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost] : [];
    this.entries = [...new Set([...LOOPBACK_HOSTS, ...listen, ...configured])];
    this.patterns = this.entries.map(toPattern).filter((pattern): pattern is HostPattern => pattern !== null);
  }

  /** True when a `Host` header (`name` or `name:port`) is one of the allowed hosts. */
  allows(hostHeader: string): boolean {
    const host = parseHostHeader(hostHeader);
    if (!host) return false;
    return this.patterns.some((pattern) => {
      if (pattern.port !== null && pattern.port !== host.port) return false;
      return pattern.suffix ? host.name.endsWith(`.${pattern.name}`) : host.name === pattern.name;
    });
  }
}
