import { type Outcome, accept, refuse, show } from './outcome.ts';

// Same units and rounding as the docker CLI (go-units RAMInBytes), so the limit the engine
// receives is the one `docker run` would have sent.

const BINARY_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Parses a memory size like 256m, 1g, 512k, 1.5g or plain bytes into a byte count (1k = 1024). */
export function parseMemoryBytes(raw: string): Outcome<number> {
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(raw);
  const unit = BINARY_UNITS[(match?.[2] ?? '').toLowerCase()];
  if (match === null || unit === undefined) {
    return refuse(`memory size ${show(raw)} is not valid; expected a number with an optional unit b, k, m, g or t, e.g. 256m or 1g`);
  }
  const bytes = Math.trunc(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    return refuse(`memory size ${show(raw)} is out of range; expected a positive size such as 256m`);
  }
  return accept(bytes);
}

