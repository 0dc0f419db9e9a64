import { percentile } from './percentile';

/**
 * A fixed-capacity ring of the most recent samples: memory stays bounded
 * however long a subscription runs; once full, each new sample replaces the oldest.
 */
export class LatencyRing {
  private readonly buffer: number[] = [];
  private next = 0;

  constructor(readonly capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a whole number >= 1');
  }

  add(sample: number): void {
    if (!Number.isFinite(sample)) return;
    if (this.buffer.length < this.capacity) {
      this.buffer.push(sample);
    } else {
      this.buffer[this.next] = sample;
    }
    this.next = (this.next + 1) % this.capacity;
  }

  get size(): number {
    return this.buffer.length;
  }

  /** The retained samples, oldest first. */
  values(): number[] {
    if (this.buffer.length < this.capacity) return [...this.buffer];
    return [...this.buffer.slice(this.next), ...this.buffer.slice(0, this.next)];
  }

  percentile(p: number): number | undefined {
    return percentile(this.buffer, p);
  }
}
