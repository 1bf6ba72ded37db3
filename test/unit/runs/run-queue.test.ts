import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../../src/lib/runs/run-queue.ts';
import { transition, isFinal } from '../../../src/lib/runs/run-record.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('RunQueue', () => {
  it('runs at most `limit` tasks and starts the rest in the order they came', async () => {
    const queue = new RunQueue(2);
    const started: string[] = [];
    const release = new Map<string, () => void>();
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      queue.enqueue(id, () => new Promise<void>((resolve) => { started.push(id); release.set(id, resolve); }));
    }
    expect(started).toEqual(['a', 'b']);
    expect(queue.position('a')).toBe(0);
    expect(queue.position('c')).toBe(1);
    expect(queue.position('e')).toBe(3);
    expect(queue.remove('d')).toBe(true);
    expect(queue.remove('a')).toBe(false);
    release.get('b')!();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    release.get('a')!();
    await tick();
    expect(started).toEqual(['a', 'b', 'c', 'e']);
    expect(queue.size).toEqual({ running: 2, waiting: 0 });
  });

  it('frees the slot when a task fails', async () => {
    const queue = new RunQueue(1);
    const started: string[] = [];
    queue.enqueue('bad', async () => { started.push('bad'); throw new Error('boom'); });
    queue.enqueue('next', async () => { started.push('next'); });
    await tick();
    expect(started).toEqual(['bad', 'next']);
  });
});

describe('run states', () => {
  it('allows only the documented moves', () => {
    expect(transition('queued', 'running')).toBe('running');
    expect(transition('running', 'passed')).toBe('passed');
    expect(() => transition('passed', 'running')).toThrow('a passed run cannot become running');
    expect(() => transition('queued', 'passed')).toThrow('a queued run cannot become passed');
    expect(isFinal('interrupted')).toBe(true);
    expect(isFinal('running')).toBe(false);
  });
});
