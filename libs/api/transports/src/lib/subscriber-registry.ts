import { Injectable } from '@nestjs/common';
import { TransportKind } from '@herald/contracts';

type Counts = Record<TransportKind, number>;

const POLL_WINDOW_MS = 30_000;

function zero(): Counts {
  return { poll: 0, longPoll: 0, sse: 0, ws: 0 };
}

/**
 * Who is listening to which topic, per transport, for `GET /api/topics` and
 * metrics. Long polls, SSE streams and WS subscriptions count while open;
 * short polls have no connection, so a topic counts the polls seen in the
 * last 30 s (two rolling windows).
 */
@Injectable()
export class SubscriberRegistry {
  private readonly open = new Map<string, Counts>();
  private pollCurrent = new Map<string, number>();
  private pollPrevious = new Map<string, number>();
  private windowStart = Date.now();

  /** Counts a subscriber on `topics`; the returned function un-counts it (idempotent). */
  attach(kind: Exclude<TransportKind, 'poll'>, topics: readonly string[]): () => void {
    for (const topic of topics) {
      const counts = this.open.get(topic) ?? zero();
      counts[kind]++;
      this.open.set(topic, counts);
    }
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      for (const topic of topics) {
        const counts = this.open.get(topic);
        if (!counts) continue;
        counts[kind]--;
        if (counts.poll + counts.longPoll + counts.sse + counts.ws === 0) this.open.delete(topic);
      }
    };
  }

  notePoll(topics: readonly string[], now = Date.now()): void {
    this.rotate(now);
    for (const topic of topics) this.pollCurrent.set(topic, (this.pollCurrent.get(topic) ?? 0) + 1);
  }

  countsFor(topic: string, now = Date.now()): Counts {
    this.rotate(now);
    const counts = { ...(this.open.get(topic) ?? zero()) };
    counts.poll = (this.pollCurrent.get(topic) ?? 0) + (this.pollPrevious.get(topic) ?? 0);
    return counts;
  }

  /** Topics with a subscriber now (they are listed even before their first event). */
  activeTopics(now = Date.now()): string[] {
    this.rotate(now);
    return [...new Set([...this.open.keys(), ...this.pollCurrent.keys(), ...this.pollPrevious.keys()])];
  }

  /** Open subscriptions of one transport across all topics. */
  total(kind: TransportKind): number {
    let sum = 0;
    for (const counts of this.open.values()) sum += counts[kind];
    return sum;
  }

  private rotate(now: number): void {
    const elapsed = now - this.windowStart;
    if (elapsed < POLL_WINDOW_MS / 2) return;
    this.pollPrevious = elapsed < POLL_WINDOW_MS ? this.pollCurrent : new Map();
    this.pollCurrent = new Map();
    this.windowStart = now;
  }
}
