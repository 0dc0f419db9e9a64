import { Observable } from 'rxjs';
import { SINCE_EARLIEST } from '@herald/contracts';
import { Cursor, decodeCursor, encodeCursor } from './cursor';
import { EventBus, StoredEvent, TopicRange } from './event-bus';

/** Where a subscriber starts: now, at the oldest retained event, or after a cursor. */
export type ResumeFrom =
  | { readonly kind: 'now' }
  | { readonly kind: 'earliest' }
  | { readonly kind: 'cursor'; readonly cursor: Cursor };

/** A run of events for one subscriber and the positions after it. */
export interface Batch {
  readonly events: readonly StoredEvent[];
  /**
   * Last delivered position per subscribed topic, after this batch. From
   * `follow` this is a live view: read it during the `next` call (e.g. encode
   * the cursor), do not keep it.
   */
  readonly positions: ReadonlyMap<string, number>;
  /** True when the starting cursor could not be honoured for some topic. */
  readonly reset: boolean;
}

export interface StartPoint {
  readonly positions: Map<string, number>;
  readonly reset: boolean;
  /**
   * Set by `start`: the log already held events after `positions` when it looked (so a reader may
   * read them at once instead of waiting for the next one). Absent: unknown.
   */
  readonly behind?: boolean;
}

/** Events read per topic and per round trip while catching up. */
const REPLAY_PAGE = 500;

/**
 * Turns the bus's primitives into the subscriber-facing promise every transport
 * keeps: from a cursor, every later event exactly once, in per-topic order, or
 * an explicit `reset` when the cursor cannot be honoured.
 *
 * Topics missing from a cursor start "now"; a cursor of another epoch, older
 * than retention, or ahead of the log restarts the affected topics at their
 * oldest retained event and sets `reset`.
 */
export class LogReader {
  /**
   * Cursor after each event for a subscription to that event's topic alone. It is the same for
   * every such subscriber (the common case), so it is encoded once per event, not once per
   * subscriber; entries go with their events.
   */
  private readonly singleTopicCursors = new WeakMap<StoredEvent, string>();

  constructor(private readonly bus: EventBus) {}

  /** Parses a `since` value; throws `InvalidCursorError` for a value Herald did not issue. */
  parseSince(since: string | undefined | null): ResumeFrom {
    if (since === undefined || since === null || since === '') return { kind: 'now' };
    if (since === SINCE_EARLIEST) return { kind: 'earliest' };
    return { kind: 'cursor', cursor: decodeCursor(since) };
  }

  encode(positions: Iterable<readonly [string, number]>): string {
    return encodeCursor(this.bus.epoch, positions);
  }

  /**
   * The cursor after `event` for a subscriber of its topic alone, i.e. `encode([[event.topic,
   * event.position]])`, computed once per event however many subscribers ask.
   */
  cursorAfter(event: StoredEvent): string {
    let cursor = this.singleTopicCursors.get(event);
    if (cursor === undefined) {
      cursor = encodeCursor(this.bus.epoch, [[event.topic, event.position]]);
      this.singleTopicCursors.set(event, cursor);
    }
    return cursor;
  }

  /**
   * The cursor after each event of a batch (SSE needs one per message): the
   * batch's positions, rewound to just before each topic's first event in it,
   * then advanced event by event.
   */
  cursorsAfterEach(batch: Batch): string[] {
    if (batch.positions.size === 1) return batch.events.map((event) => this.cursorAfter(event));
    const positions = new Map(batch.positions);
    const seen = new Set<string>();
    for (const event of batch.events) {
      if (!seen.has(event.topic)) {
        seen.add(event.topic);
        positions.set(event.topic, event.position - 1);
      }
    }
    return batch.events.map((event) => {
      positions.set(event.topic, event.position);
      return this.encode(positions);
    });
  }

  /** Resolves a start point into a position per topic, validated against the logs' current ranges. */
  async start(topics: readonly string[], from: ResumeFrom): Promise<StartPoint> {
    const ranges = await this.bus.ranges(topics);
    const positions = new Map<string, number>();
    let reset = false;
    let behind = false;
    const foreignEpoch = from.kind === 'cursor' && from.cursor.epoch !== this.bus.epoch;
    for (const range of ranges) {
      if (from.kind === 'earliest') {
        positions.set(range.topic, range.first - 1);
        behind ||= range.latest >= range.first;
        continue;
      }
      const known = from.kind === 'cursor' ? from.cursor.positions.get(range.topic) : undefined;
      if (known === undefined) {
        // "now" for this topic, unless the whole cursor belongs to another epoch.
        positions.set(range.topic, foreignEpoch ? range.first - 1 : range.latest);
        reset ||= foreignEpoch;
      } else if (foreignEpoch || !honours(range, known)) {
        positions.set(range.topic, range.first - 1);
        reset = true;
      } else {
        positions.set(range.topic, known);
      }
      behind ||= range.latest > (positions.get(range.topic) as number);
    }
    return { positions, reset, behind };
  }

  /**
   * Reads up to `limit` events after `positions`, across topics in publish-time
   * order (per-topic order always kept). `positions` is not modified.
   */
  async readAfter(topics: readonly string[], positions: ReadonlyMap<string, number>, limit: number): Promise<Batch> {
    const next = new Map(positions);
    if (topics.length === 1) {
      // The common case, without the merge: one read, and the position of its last event.
      const { events, reset } = await this.readTopic(topics[0], positions, next, limit);
      if (events.length > 0) next.set(topics[0], events[events.length - 1].position);
      return { events, positions: next, reset };
    }
    const perTopic = await Promise.all(topics.map((topic) => this.readTopic(topic, positions, next, limit)));
    const merged = mergeByTime(perTopic.map((read) => read.events));
    const events = merged.length > limit ? merged.slice(0, limit) : merged;
    for (const event of events) next.set(event.topic, event.position);
    return { events, positions: next, reset: perTopic.some((read) => read.reset) };
  }

  /**
   * At most `limit` events of `topic` after its position in `positions`; when retention overtook
   * that position (or the log was recreated), from the oldest retained one instead, with `reset`
   * and `next` moved to just before it.
   */
  private async readTopic(
    topic: string,
    positions: ReadonlyMap<string, number>,
    next: Map<string, number>,
    limit: number,
  ): Promise<{ events: StoredEvent[]; reset: boolean }> {
    const after = positions.get(topic) ?? 0;
    const result = await this.bus.read(topic, after, limit);
    if (honours(result.range, after)) return { events: result.events, reset: false };
    const again = await this.bus.read(topic, result.range.first - 1, limit);
    next.set(topic, result.range.first - 1);
    return { events: again.events, reset: true };
  }

  /**
   * Replays from `from`, then follows live. Emits only non-empty batches (or a
   * first empty one when `reset` must be reported). Never emits an event twice
   * or skips one: live events are buffered while history is read, duplicates
   * are dropped by position, and a gap in the live stream triggers a re-read.
   * Unsubscribing releases the live subscription at once.
   */
  follow(topics: readonly string[], from: ResumeFrom | StartPoint, options: { onStart?: (start: StartPoint) => void } = {}): Observable<Batch> {
    return new Observable<Batch>((subscriber) => {
      let positions = new Map<string, number>();
      let buffer: StoredEvent[] | undefined = [];
      let catchingUp = false;

      const onLive = (event: StoredEvent): void => {
        if (buffer) {
          buffer.push(event);
          return;
        }
        const last = positions.get(event.topic);
        if (last === undefined || event.position <= last) return;
        if (event.position > last + 1) {
          // The live stream skipped something: fall back to reading the log.
          buffer = [event];
          void catchUp(false);
          return;
        }
        positions.set(event.topic, event.position);
        subscriber.next({ events: [event], positions, reset: false });
      };

      const catchUp = async (reset: boolean): Promise<void> => {
        if (catchingUp) return;
        catchingUp = true;
        try {
          for (;;) {
            const batch = await this.readAfter(topics, positions, REPLAY_PAGE);
            if (subscriber.closed) return;
            positions = new Map(batch.positions);
            const resetNow = reset || batch.reset;
            reset = false;
            if (batch.events.length > 0 || resetNow) {
              subscriber.next({ events: batch.events, positions, reset: resetNow });
            }
            if (batch.events.length < REPLAY_PAGE) break;
          }
          const pending = buffer ?? [];
          buffer = undefined;
          catchingUp = false;
          for (const event of pending) {
            if (subscriber.closed) return;
            onLive(event);
          }
        } catch (error) {
          subscriber.error(error);
        }
      };

      const live = this.bus.live(topics).subscribe({
        next: onLive,
        error: (error: unknown) => subscriber.error(error),
      });

      const begin = async (): Promise<void> => {
        const start = 'positions' in from ? from : await this.start(topics, from);
        if (subscriber.closed) return;
        positions = new Map(start.positions);
        options.onStart?.(start);
        await catchUp(start.reset);
      };
      begin().catch((error: unknown) => subscriber.error(error));

      return () => live.unsubscribe();
    });
  }
}

/** True when reading after `position` continues the log without a gap. */
function honours(range: TopicRange, position: number): boolean {
  return position >= range.first - 1 && position <= range.latest;
}

/** Merges per-topic runs into one, ordered by publish time; stable, so per-topic order holds. */
function mergeByTime(runs: StoredEvent[][]): StoredEvent[] {
  const nonEmpty = runs.filter((run) => run.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  const out: StoredEvent[] = [];
  const index = nonEmpty.map(() => 0);
  for (;;) {
    let best = -1;
    for (let r = 0; r < nonEmpty.length; r++) {
      const event = nonEmpty[r][index[r]];
      if (event && (best < 0 || event.envelope.ts < nonEmpty[best][index[best]].envelope.ts)) best = r;
    }
    if (best < 0) return out;
    out.push(nonEmpty[best][index[best]++]);
  }
}
