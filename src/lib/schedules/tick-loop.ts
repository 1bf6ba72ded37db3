/**
 * The timer both schedulers run on: a tick now and every `intervalMs` after, never two at
 * once, and a tick that fails (docs mid-checkout, a store error) reported and tried again on
 * the next, since an unhandled rejection would end the server.
 */
export class TickLoop {
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;

  private readonly tick: () => Promise<unknown>;
  private readonly name: string;
  private readonly intervalMs: number;

  constructor(tick: () => Promise<unknown>, name: string, intervalMs = 1_000) {
    this.tick = tick;
    this.name = name;
    this.intervalMs = intervalMs;
  }

  start(): void {
    this.timer ??= setInterval(() => this.inBackground(), this.intervalMs);
    this.timer.unref();
    this.inBackground();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs `work` unless a tick is already running, in which case it answers `idle`. */
  async exclusive<T>(idle: T, work: () => Promise<T>): Promise<T> {
    if (this.ticking) return idle;
    this.ticking = true;
    try {
      return await work();
    } finally {
      this.ticking = false;
    }
  }

  private inBackground(): void {
    this.tick().catch((error: unknown) => console.error(`runbook-live: ${this.name} tick failed:`, error));
  }
}
