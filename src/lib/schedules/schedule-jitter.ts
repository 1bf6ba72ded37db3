/**
 * How far a scheduled run moves from its slot, in ms: up to ±10% of the interval (at most a
 * minute), so a fleet of schedules does not fire in lockstep. `random` is 0..1: 0 is the
 * earliest (−spread), 1 the latest (+spread), 0.5 the slot itself.
 */
export function scheduleJitter(everySeconds: number, random: number): number {
  const spread = Math.min(everySeconds * 100, 60_000);
  return Math.round((random * 2 - 1) * spread);
}

/**
 * How long after the scheduler starts, or after a schedule first appears, its first run
 * waits, in ms: a point in [0, window) picked by `random` (0..1), so every schedule runs
 * promptly but a restart does not start them all in the same second. A window of 0 is "now".
 */
export function startupDelay(windowSeconds: number, random: number): number {
  const windowMs = windowSeconds * 1000;
  if (windowMs <= 0) return 0;
  return Math.min(Math.floor(random * windowMs), windowMs - 1);
}
