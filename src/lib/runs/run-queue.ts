/** A unit of work waiting for a slot. */
interface Waiting {
  id: string;
  start: () => Promise<void>;
}

/**
 * First-in, first-out with at most `limit` tasks running. Order is kept strictly: a task
 * never overtakes one queued before it.
 */
export class RunQueue {
  private readonly limit: number;
  private readonly waiting: Waiting[] = [];
  private readonly running = new Set<string>();
  private readonly onChange: () => void;

  constructor(limit: number, onChange: () => void = () => {}) {
    this.limit = limit;
    this.onChange = onChange;
  }

  /** Adds a task; it starts when a slot frees up. */
  enqueue(id: string, start: () => Promise<void>): void {
    this.waiting.push({ id, start });
    this.pump();
  }

  /** Removes a task that has not started; false when it already runs or is unknown. */
  remove(id: string): boolean {
    const index = this.waiting.findIndex((task) => task.id === id);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    this.onChange();
    return true;
  }

  /** 1-based place in the queue, 0 when running, null when unknown. */
  position(id: string): number | null {
    if (this.running.has(id)) return 0;
    const index = this.waiting.findIndex((task) => task.id === id);
    return index < 0 ? null : index + 1;
  }

  /** Counts for status displays. */
  get size(): { running: number; waiting: number } {
    return { running: this.running.size, waiting: this.waiting.length };
  }

  private pump(): void {
    let changed = false;
    while (this.running.size < this.limit && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.running.add(task.id);
      changed = true;
      task
        .start()
        .catch(() => {
          // The task reports its own failure; the queue only needs the slot back.
        })
        .finally(() => {
          this.running.delete(task.id);
          this.pump();
        });
    }
    if (changed) this.onChange();
  }
}
