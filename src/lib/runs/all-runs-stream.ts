import type { DashboardFrames } from './run-frames.ts';
import type { RunEvents } from './run-events.ts';
import { SseBroadcast } from './sse-broadcast.ts';
import type { SseHeartbeat } from './sse-heartbeat.ts';

/**
 * The SSE of every run's life (queued, started, finished), without log lines: what the
 * dashboard needs to update its rows as runs happen. Every viewer gets the same frames, so
 * they are one broadcast: one listener on the bus however many dashboards are open, each
 * frame serialized once. `emittedAt` is the server's clock when the run changed, so a reader
 * can tell how long the frame took to reach it.
 */
export function allRunsBroadcast(events: RunEvents, heartbeat: SseHeartbeat): SseBroadcast<DashboardFrames> {
  return new SseBroadcast<DashboardFrames>(
    (send) =>
      events.subscribeAll((_runId, event) => {
        if (event.type === 'log') return;
        const emittedAt = Date.now();
        const { blockSource: _source, result: _result, ...run } = event.run;
        const key = `${run.blockId}@${run.target}`;
        if (event.type === 'queued') send('queued', { key, run, position: event.position, emittedAt });
        else send(event.type, { key, run, emittedAt });
      }),
    heartbeat,
  );
}
