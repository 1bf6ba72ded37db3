import { describe, expect, it } from 'vitest';
import { ProcessMetrics } from '../../../src/lib/app/process-metrics.ts';
import { pollUntil } from '../../support/poll.ts';

const gauge = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}"=.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('ProcessMetrics', () => {
  it('shows a stall of the event loop in the window it happened in, and keeps the worst since start', async () => {
    const metrics = new ProcessMetrics(100);
    try {
      // The monitor samples from the event loop's next turns on: wait until it has.
      await pollUntil('the first samples', async () => gauge(metrics.text(), 'runbook_live_event_loop_delay_max_seconds') > 0, { timeoutMs: 5_000, everyMs: 20 });
      const until = performance.now() + 120;
      while (performance.now() < until) {
        // Holds the event loop, as a long synchronous render would.
      }
      await pollUntil('the window holding the stall to close', async () => gauge(metrics.text(), 'runbook_live_event_loop_delay_seconds{quantile="1"}') >= 0.1, { timeoutMs: 5_000, everyMs: 20 });
      const text = metrics.text();
      expect(gauge(text, 'runbook_live_event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(0.1);
      // A later window without a stall shows a small delay again, and the worst is kept.
      await pollUntil('a quiet window', async () => gauge(metrics.text(), 'runbook_live_event_loop_delay_seconds{quantile="1"}') < 0.05, { timeoutMs: 5_000, everyMs: 20 });
      expect(gauge(metrics.text(), 'runbook_live_event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(0.1);
      expect(gauge(text, 'process_resident_memory_bytes')).toBeGreaterThan(gauge(text, 'nodejs_heap_used_bytes'));
      expect(gauge(text, 'nodejs_heap_total_bytes')).toBeGreaterThanOrEqual(gauge(text, 'nodejs_heap_used_bytes'));
    } finally {
      metrics.stop();
    }
  });
});
