// Shared result shape for the procedure parsers. A refusal is an expected outcome (the
// block simply isn't runnable), so parsers return it as a value instead of throwing.

/** Either a parsed value, or the reason the input can't be run faithfully. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Wraps a successfully parsed value. */
export function accept<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/** Wraps a reason the input can't run; the message goes straight to the runbook author. */
export function refuse<T = never>(reason: string): Outcome<T> {
  return { ok: false, reason };
}

/** Shared wording for every construct that only a real shell could carry out. */
export function needsShell(what: string): string {
  return `${what}; runbook-live runs commands without one`;
}

/** What runbook-live can execute, for messages that refuse anything else. */
export const SUPPORTED_COMMANDS = 'docker build, docker run, docker image inspect and docker compose build';

/** Quotes a value for an error message so empty strings and spaces stay visible. */
export function show(value: string): string {
  return JSON.stringify(value);
}
