/** A slot taken within the limit: give it back when the request did not start anything after all. */
export type RateDecision = { ok: true; release: () => void } | { ok: false; retryAfterSeconds: number; limit: number; windowSeconds: number };

/** Keys kept before idle ones are swept out, so a stream of one-off actors cannot grow the map without bound. */
const SWEEP_ABOVE_KEYS = 1_000;

/**
 * A sliding-window log per key (the actor): at most `limit` takes in any `windowMs`. Exact,
 * which a fixed window is not (it lets 2 × limit through across a boundary), and small: one
 * timestamp per start. The retry hint is when the oldest take in the window leaves it.
 */
export class SlidingWindowLimiter {
  private readonly takes = new Map<string, number[]>();
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.now = options.now ?? Date.now;
  }

  /** Takes a slot for `key` if the window has room. */
  take(key: string): RateDecision {
    const now = this.now();
    if (this.takes.size > SWEEP_ABOVE_KEYS) this.sweep(now);
    const recent = (this.takes.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.takes.set(key, recent);
      const retryAfterMs = recent[0]! + this.windowMs - now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)), limit: this.limit, windowSeconds: Math.round(this.windowMs / 1000) };
    }
    recent.push(now);
    this.takes.set(key, recent);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const list = this.takes.get(key);
        const index = list?.indexOf(now) ?? -1;
        if (list && index >= 0) list.splice(index, 1);
      },
    };
  }

  private sweep(now: number): void {
    for (const [key, list] of this.takes) {
      if (!list.some((at) => at > now - this.windowMs)) this.takes.delete(key);
    }
  }
}
