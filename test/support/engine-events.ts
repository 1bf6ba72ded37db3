import type { Readable } from 'node:stream';
import { testDocker } from './docker-leftovers.ts';

/** One container event as the engine reports it (`docker events`). */
export interface ContainerEvent {
  action: string;
  id: string;
  /** When the engine saw it, in milliseconds since the epoch. */
  at: number;
}

/** Container events the engine reported since `watchContainerEvents` returned. */
export interface ContainerEventLog {
  readonly events: readonly ContainerEvent[];
  /** The first event with this action (already seen or still to come); fails after `timeoutMs`. */
  waitFor(action: string, timeoutMs?: number): Promise<ContainerEvent>;
  close(): void;
}

/**
 * Subscribes to the engine's events for containers carrying this label (`key=value`), so a test
 * can wait for what the engine did instead of sleeping, and can tell what happened before what.
 * Only events from after the subscription are seen.
 */
export async function watchContainerEvents(label: string): Promise<ContainerEventLog> {
  const stream = (await testDocker.getEvents({ filters: { type: ['container'], label: [label] } })) as unknown as Readable;
  const events: ContainerEvent[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (!line) continue;
      const raw = JSON.parse(line) as { Action?: string; status?: string; id?: string; Actor?: { ID?: string }; timeNano?: number; time?: number };
      events.push({ action: raw.Action ?? raw.status ?? '', id: raw.Actor?.ID ?? raw.id ?? '', at: raw.timeNano ? raw.timeNano / 1e6 : (raw.time ?? 0) * 1000 });
      for (const wake of waiters) wake();
    }
  });
  stream.on('error', () => {});
  return {
    events,
    waitFor: (action, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find((event) => event.action === action);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no '${action}' event for containers labelled ${label} within ${timeoutMs} ms; saw: ${events.map((e) => e.action).join(', ') || 'nothing'}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => stream.destroy(),
  };
}
