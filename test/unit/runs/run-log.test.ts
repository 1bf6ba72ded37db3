import { describe, expect, it } from 'vitest';
import { RunLog } from '../../../src/lib/runs/run-log.ts';
import { RunEvents, type RunEvent } from '../../../src/lib/runs/run-events.ts';
import type { LogLine } from '../../../src/lib/runs/run-record.ts';
import type { RunStore } from '../../../src/lib/runs/run-store.ts';

function fakeStore(): { store: RunStore; saved: LogLine[] } {
  const saved: LogLine[] = [];
  const store = { appendLogs: (lines: LogLine[]) => saved.push(...lines) } as unknown as RunStore;
  return { store, saved };
}

describe('RunLog', () => {
  it('publishes each line at once and stores them in batches', () => {
    const { store, saved } = fakeStore();
    const events = new RunEvents();
    const seen: RunEvent[] = [];
    events.subscribe('r', (e) => seen.push(e));
    const log = new RunLog('r', store, events, 10_000);
    log.write('stdout', 'one');
    log.write('stderr', 'two');
    expect(seen.map((e) => (e.type === 'log' ? `${e.line.seq}:${e.line.text}` : e.type))).toEqual(['1:one', '2:two']);
    expect(saved).toEqual([]);
    log.flush();
    expect(saved.map((l) => l.seq)).toEqual([1, 2]);
  });

  it('stops at the byte budget with one visible marker', () => {
    const { store, saved } = fakeStore();
    const log = new RunLog('r', store, new RunEvents(), 20);
    for (let i = 0; i < 10; i++) log.write('stdout', `line ${i}`);
    log.flush();
    expect(saved.map((l) => l.text)).toEqual([
      'line 0',
      'line 1',
      "[runbook-live] output truncated: this run's log reached its limit of 20 bytes; later lines were not kept",
    ]);
    expect(log.truncated).toBe(true);
    expect(log.bytes).toBe(14);
  });
});
