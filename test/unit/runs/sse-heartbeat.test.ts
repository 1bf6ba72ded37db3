import { describe, expect, it } from 'vitest';
import { SseHeartbeat } from '../../../src/lib/runs/index.ts';

describe('SseHeartbeat membership', () => {
  it('announces each join and each leave once, and stops announcing when unsubscribed', () => {
    const heartbeat = new SseHeartbeat(60_000);
    const seen: number[] = [];
    const stop = heartbeat.onMembershipChange(() => seen.push(heartbeat.size));
    const leaveA = heartbeat.join(() => {});
    const leaveB = heartbeat.join(() => {});
    leaveA();
    leaveA(); // a second call is harmless and announces nothing
    expect(seen).toEqual([1, 2, 1]);
    stop();
    leaveB();
    expect(seen).toEqual([1, 2, 1]);
    expect(heartbeat.size).toBe(0);
    expect(heartbeat.running).toBe(false);
  });
});
