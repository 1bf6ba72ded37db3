import type { DashboardFrames } from './run-frames.ts';
import type { RunEvents } from './run-events.ts';
import { sseStream } from './sse-stream.ts';

/**
 * SSE of every run's life (queued, started, finished), without log lines: what the
 * dashboard needs to update its rows as runs happen.
 */
export function allRunsStream(events: RunEvents, clientGone: AbortSignal): ReadableStream<Uint8Array> {
  return sseStream<DashboardFrames>(clientGone, (sink) =>
    events.subscribeAll((_runId, event) => {
      if (event.type === 'log') return;
      const { blockSource: _source, result: _result, ...run } = event.run;
      const key = `${run.blockId}@${run.target}`;
      if (event.type === 'queued') sink.send('queued', { key, run, position: event.position });
      else sink.send(event.type, { key, run });
    }),
  );
}
