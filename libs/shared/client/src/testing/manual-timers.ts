import type { TimerHandle, Timers } from '../lib/timers';

interface Scheduled {
  at: number;
  id: number;
  callback: () => void;
}

/** Lets pending promise callbacks (fetch fakes, async loops) run. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A manual clock: timers fire only when a test calls `advance`, in time
 * order, with promise callbacks flushed before and after each one.
 */
export class ManualTimers implements Timers {
  private current = 1_700_000_000_000;
  private nextId = 0;
  private readonly scheduled = new Map<number, Scheduled>();

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = ++this.nextId;
    this.scheduled.set(id, { at: this.current + Math.max(0, ms), id, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.scheduled.delete(handle as number);
  }

  now(): number {
    return this.current;
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.scheduled.size;
  }

  /** Delays of the pending timers from now, soonest first. */
  pendingDelays(): number[] {
    return [...this.scheduled.values()].map((timer) => timer.at - this.current).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushPromises();
      const due = [...this.scheduled.values()].filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.scheduled.delete(due.id);
      this.current = due.at;
      due.callback();
    }
    this.current = target;
    await flushPromises();
  }
}

/** A deterministic random source (mulberry32) for reproducible jitter. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
