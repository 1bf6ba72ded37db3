import type { DockerTargets } from './docker-targets.ts';

/** What the dashboard knows about one Docker host. */
export interface TargetHealth {
  name: string;
  url: string;
  /** Null until the first probe has answered. */
  reachable: boolean | null;
  engineVersion: string | null;
  apiVersion: string | null;
  error: string | null;
  checkedAt: string | null;
}

/**
 * Probes every target in the background and keeps the last answer, so pages never wait on
 * a host that does not answer. A failed run's own docker_unreachable also marks its target.
 */
export class TargetHealthMonitor {
  private readonly targets: DockerTargets;
  private readonly urls: Record<string, string>;
  private readonly health = new Map<string, TargetHealth>();
  private timer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;

  constructor(targets: DockerTargets, urls: Record<string, string>) {
    this.targets = targets;
    this.urls = urls;
    for (const name of targets.names()) {
      this.health.set(name, { name, url: urls[name] ?? '', reachable: null, engineVersion: null, apiVersion: null, error: null, checkedAt: null });
    }
  }

  /** Probes now and then every `intervalMs`. */
  start(intervalMs = 10_000): void {
    void this.probe();
    this.timer ??= setInterval(() => void this.probe(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The last known health of every target. */
  snapshot(): TargetHealth[] {
    return [...this.health.values()];
  }

  /** Marks a target down after a run could not reach it, without waiting for the next probe. */
  markUnreachable(name: string, error: string): void {
    const known = this.health.get(name);
    if (known) this.health.set(name, { ...known, reachable: false, error, checkedAt: new Date().toISOString() });
  }

  /** Pings every target once; concurrent callers share the probe. */
  probe(): Promise<void> {
    this.probing ??= Promise.all(
      this.targets.names().map(async (name) => {
        const checkedAt = new Date().toISOString();
        try {
          const status = await this.targets.client(name).ping(AbortSignal.timeout(3_000));
          this.health.set(name, { name, url: this.urls[name] ?? '', reachable: true, engineVersion: status.engineVersion, apiVersion: status.apiVersion, error: null, checkedAt });
        } catch (error) {
          this.health.set(name, { name, url: this.urls[name] ?? '', reachable: false, engineVersion: null, apiVersion: null, error: (error as Error).message, checkedAt });
        }
      }),
    ).then(() => {
      this.probing = null;
    });
    return this.probing;
  }
}
