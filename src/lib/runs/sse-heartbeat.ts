/** How often an idle stream gets a comment frame, so proxies and browsers keep it open. */
export const HEARTBEAT_MS = 15_000;

/** The comment frame every stream is sent on each beat: encoded once, written to each. */
export const HEARTBEAT_FRAME = new TextEncoder().encode(':\n\n');

/**
 * One timer for every open stream's heartbeat. With a timer per client, 500 viewers mean 500
 * timers firing at scattered moments; here one tick walks the set and writes the same bytes to
 * each. The timer runs only while someone is listening and never keeps the process alive.
 */
export class SseHeartbeat {
  private readonly beats = new Set<() => void>();
  private readonly membershipListeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;

  constructor(intervalMs = HEARTBEAT_MS) {
    this.intervalMs = intervalMs;
  }

  /** Calls `beat` on every tick until the returned function is called (which is safe to call twice). */
  join(beat: () => void): () => void {
    this.beats.add(beat);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
    this.announceMembership();
    return () => {
      if (!this.beats.delete(beat)) return;
      if (this.beats.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
      this.announceMembership();
    };
  }

  /**
   * Calls `listener` whenever a stream joins or leaves, until the returned function is called:
   * what counts the streams (the `/metrics` gauges, kept in the response cache) learns of a
   * change this way instead of by polling.
   */
  onMembershipChange(listener: () => void): () => void {
    this.membershipListeners.add(listener);
    return () => this.membershipListeners.delete(listener);
  }

  private announceMembership(): void {
    for (const listener of this.membershipListeners) listener();
  }

  /** How many streams are beating now. */
  get size(): number {
    return this.beats.size;
  }

  /** Whether the shared timer is running (only while `size` is above zero). */
  get running(): boolean {
    return this.timer !== null;
  }

  private tick(): void {
    // A beat may leave while the set is walked (its write found the stream closed).
    for (const beat of [...this.beats]) beat();
  }
}
