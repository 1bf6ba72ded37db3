import { allRunsBroadcast } from './all-runs-stream.ts';
import type { DashboardFrames } from './run-frames.ts';
import type { RunEvents } from './run-events.ts';
import type { SseBroadcast } from './sse-broadcast.ts';
import { SseHeartbeat } from './sse-heartbeat.ts';

/** What the live streams hold at one moment. */
export interface LiveStreamCounts {
  /** Clients connected to the dashboard's `/api/events`. */
  dashboardClients: number;
  /** Run and dashboard streams open on the shared heartbeat timer. */
  heartbeatStreams: number;
  /** Listeners on the run event bus, the server's own (health, incidents) included. */
  eventListeners: number;
  /** Dashboard clients dropped since the start because they stopped reading. */
  slowClientsDropped: number;
}

/**
 * The server's live event streams: one heartbeat timer for all of them, and the dashboard's
 * stream as one broadcast every viewer shares. Built once by the run service.
 */
export class LiveStreams {
  readonly heartbeat = new SseHeartbeat();
  private readonly events: RunEvents;
  private readonly dashboard: SseBroadcast<DashboardFrames>;

  constructor(events: RunEvents) {
    this.events = events;
    this.dashboard = allRunsBroadcast(events, this.heartbeat);
  }

  /** The body of `GET /api/events` for one more viewer. */
  dashboardStream(clientGone: AbortSignal): ReadableStream<Uint8Array> {
    return this.dashboard.stream(clientGone);
  }

  /** Tells every dashboard viewer a maintenance window started or ended, so it refreshes its rows. */
  announceMaintenance(): void {
    this.dashboard.send('maintenance', { emittedAt: Date.now() });
  }

  /** Calls `listener` whenever a run or dashboard stream opens or closes (so the counts below changed). */
  onChange(listener: () => void): () => void {
    return this.heartbeat.onMembershipChange(listener);
  }

  /** What the streams hold right now: a leak shows as a count that never comes back down. */
  counts(): LiveStreamCounts {
    return { dashboardClients: this.dashboard.clientCount, heartbeatStreams: this.heartbeat.size, eventListeners: this.events.listenerCount(), slowClientsDropped: this.dashboard.droppedCount };
  }
}

/** The counts as Prometheus gauges, to append to `/metrics`. */
export function liveStreamMetrics(counts: LiveStreamCounts): string {
  return [
    '# HELP runbook_live_dashboard_stream_clients Clients connected to the dashboard event stream (/api/events).',
    '# TYPE runbook_live_dashboard_stream_clients gauge',
    `runbook_live_dashboard_stream_clients ${counts.dashboardClients}`,
    '# HELP runbook_live_run_streams_open Run and dashboard event streams open (each gets the shared heartbeat).',
    '# TYPE runbook_live_run_streams_open gauge',
    `runbook_live_run_streams_open ${counts.heartbeatStreams}`,
    '# HELP runbook_live_run_event_listeners Listeners on the in-process run event bus.',
    '# TYPE runbook_live_run_event_listeners gauge',
    `runbook_live_run_event_listeners ${counts.eventListeners}`,
    '# HELP runbook_live_dashboard_stream_slow_clients_dropped_total Dashboard stream clients dropped because over 1 MiB of frames waited unread.',
    '# TYPE runbook_live_dashboard_stream_slow_clients_dropped_total counter',
    `runbook_live_dashboard_stream_slow_clients_dropped_total ${counts.slowClientsDropped}`,
    '',
  ].join('\n');
}
