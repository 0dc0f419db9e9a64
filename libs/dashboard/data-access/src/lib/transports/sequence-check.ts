/** Counts of broken promises seen on one subscription (both stay 0 when Herald keeps its word). */
export interface Integrity {
  /** Events that skipped one or more positions of their topic. */
  readonly gaps: number;
  /** Events at or before a position already received (a repeat, or out of order). */
  readonly duplicates: number;
}

export type SequenceVerdict = 'first' | 'next' | 'gap' | 'duplicate' | 'unknown';

/**
 * Checks what Herald promises within one epoch of the log: per topic, event ids
 * (positions) arrive in order with none skipped and none repeated — across
 * reconnects, pause/resume and transport switches alike. A reset starts a new
 * epoch in which ids begin again, so `forget()` must be called on every reset.
 */
export class SequenceCheck {
  private readonly last = new Map<string, number>();
  private counts: Integrity = { gaps: 0, duplicates: 0 };

  get integrity(): Integrity {
    return this.counts;
  }

  observe(topic: string, id: string): SequenceVerdict {
    const position = /^\d+$/.test(id) ? Number(id) : Number.NaN;
    if (!Number.isSafeInteger(position)) return 'unknown';
    const previous = this.last.get(topic);
    if (previous === undefined) {
      this.last.set(topic, position);
      return 'first';
    }
    if (position <= previous) {
      this.counts = { ...this.counts, duplicates: this.counts.duplicates + 1 };
      return 'duplicate';
    }
    this.last.set(topic, position);
    if (position === previous + 1) return 'next';
    this.counts = { ...this.counts, gaps: this.counts.gaps + 1 };
    return 'gap';
  }

  /** A reset: positions start over, so nothing seen before can be compared with what comes next. */
  forget(): void {
    this.last.clear();
  }
}
