import { setTimeout as delay } from 'node:timers/promises';

/** How long `pollUntil` keeps trying, and how long it waits between two tries. */
export interface PollOptions {
  timeoutMs?: number;
  everyMs?: number;
}

/**
 * The one way tests poll: calls `probe` until it returns something other than undefined, null
 * or false, and returns that. After `timeoutMs` it fails naming `what` (a function is asked only
 * then, so it can describe the last state the probe saw). An error thrown by `probe` ends the
 * wait at once: a probe that knows the awaited state can no longer come says so.
 */
export async function pollUntil<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 15_000, everyMs = 100 }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await delay(everyMs);
  }
}
