import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How long one window of event-loop delay lasts; `/metrics` shows the last complete one. */
const WINDOW_MS = 10_000;

/**
 * This process's event-loop delay and memory, as Prometheus text. The delay is what every
 * request waits on when something holds the request thread (a slow render, a long SQLite
 * statement, a GC pause); kept per 10 s window, so a scrape sees recent stalls rather than the
 * whole life of the process, plus the worst since start. The names follow prom-client's
 * defaults where there are some (`process_resident_memory_bytes`, `nodejs_heap_*`).
 */
export class ProcessMetrics {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private lastWindow = { p50: 0, p99: 0, max: 0 };
  private worst = 0;

  /** `windowMs` is for tests; the server keeps 10 s windows. */
  constructor(windowMs = WINDOW_MS) {
    this.histogram.enable();
    this.timer = setInterval(() => this.rotate(), windowMs);
    this.timer.unref();
  }

  /** The gauges, in the exposition format. */
  text(): string {
    const memory = process.memoryUsage();
    const seconds = (ns: number) => (ns / 1e9).toFixed(6);
    const worst = Math.max(this.worst, this.histogram.max);
    return [
      '# HELP runbook_live_event_loop_delay_seconds Event-loop delay of the server over the last complete 10 s window.',
      '# TYPE runbook_live_event_loop_delay_seconds gauge',
      `runbook_live_event_loop_delay_seconds{quantile="0.5"} ${seconds(this.lastWindow.p50)}`,
      `runbook_live_event_loop_delay_seconds{quantile="0.99"} ${seconds(this.lastWindow.p99)}`,
      `runbook_live_event_loop_delay_seconds{quantile="1"} ${seconds(this.lastWindow.max)}`,
      '# HELP runbook_live_event_loop_delay_max_seconds The longest event-loop delay since the server started.',
      '# TYPE runbook_live_event_loop_delay_max_seconds gauge',
      `runbook_live_event_loop_delay_max_seconds ${seconds(worst)}`,
      '# HELP process_resident_memory_bytes Resident memory of the server process.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
      '# HELP nodejs_heap_used_bytes JavaScript heap in use.',
      '# TYPE nodejs_heap_used_bytes gauge',
      `nodejs_heap_used_bytes ${memory.heapUsed}`,
      '# HELP nodejs_heap_total_bytes JavaScript heap reserved.',
      '# TYPE nodejs_heap_total_bytes gauge',
      `nodejs_heap_total_bytes ${memory.heapTotal}`,
      '# HELP nodejs_external_memory_bytes Memory of C++ objects bound to JavaScript (buffers, SQLite statements).',
      '# TYPE nodejs_external_memory_bytes gauge',
      `nodejs_external_memory_bytes ${memory.external}`,
      '',
    ].join('\n');
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private rotate(): void {
    const h = this.histogram;
    this.lastWindow = { p50: h.percentile(50), p99: h.percentile(99), max: h.max };
    this.worst = Math.max(this.worst, h.max);
    h.reset();
  }
}
