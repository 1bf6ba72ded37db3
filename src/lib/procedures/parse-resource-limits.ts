import { type Outcome, accept, refuse, show } from '../shared/index.ts';

// Same units and rounding as the docker CLI (big.Rat for --cpus), so
// the limits the engine receives are the ones `docker run` would have sent.

/** Parses a --cpus value like 1.5 into NanoCPUs (1500000000); at most 9 decimals, as docker requires. */
export function parseNanoCpus(raw: string): Outcome<number> {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(raw);
  if (match === null) return refuse(`CPU count ${show(raw)} is not valid; expected a decimal number such as 0.5 or 2`);
  const fraction = match[2] ?? '';
  if (fraction.length > 9) return refuse(`CPU count ${show(raw)} is too precise; use at most 9 decimal places`);
  const nano = BigInt(match[1] ?? '0') * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
  if (nano === 0n) return refuse(`CPU count ${show(raw)} must be greater than 0; use e.g. 0.5 or 2`);
  if (nano > BigInt(Number.MAX_SAFE_INTEGER)) return refuse(`CPU count ${show(raw)} is too large`);
  return accept(Number(nano));
}

/** Parses a --pids-limit value; -1 and 0 mean unlimited, as in docker. */
export function parsePidsLimit(raw: string): Outcome<number> {
  if (!/^-?\d+$/.test(raw)) return refuse(`pids limit ${show(raw)} is not an integer; expected e.g. 128 (or -1 for unlimited)`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < -1) {
    return refuse(`pids limit ${show(raw)} is out of range; expected -1 (unlimited) or a non-negative integer`);
  }
  return accept(value);
}
