/**
 * How far a scheduled run moves from its slot, in ms: up to ±10% of the interval (at most a
 * minute), so a fleet of schedules does not fire in lockstep. A first run only ever waits
 * longer (0..spread); later ones move either way (±spread). `random` is 0..1.
 */
export function scheduleJitter(everySeconds: number, firstRun: boolean, random: number): number {
  const spread = Math.min(everySeconds * 100, 60_000);
  return Math.round(firstRun ? random * spread : (random * 2 - 1) * spread);
}
