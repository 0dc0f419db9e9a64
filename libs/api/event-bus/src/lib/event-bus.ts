import type { Observable } from 'rxjs';
import type { Envelope } from '@herald/contracts';

/** An event as stored in its topic's log. */
export interface StoredEvent {
  readonly topic: string;
  /** 1-based, gap-free, strictly increasing position within the topic's log. */
  readonly position: number;
  readonly envelope: Envelope;
  /** The envelope serialized as JSON exactly once; every transport writes this string as is. */
  readonly json: string;
}

/** What a topic's log holds right now. */
export interface TopicRange {
  readonly topic: string;
  /** Position of the oldest retained event; `latest + 1` when nothing is retained. */
  readonly first: number;
  /** Position of the newest event ever appended (0 when none was). */
  readonly latest: number;
}

export interface ReadResult {
  /** Events with a position greater than the one asked for, oldest first, at most `limit`. */
  readonly events: StoredEvent[];
  /** The topic's range at the time of the read, for detecting gaps (retention) and foreign positions. */
  readonly range: TopicRange;
}

export interface PublishInput {
  readonly type: string;
  readonly data: unknown;
}

/**
 * The port every transport reads and writes through. It is also the Nest DI
 * token: transports inject `EventBus` and never an implementation.
 *
 * Guarantees every implementation keeps (proved by the conformance suite):
 * - positions in a topic start at 1 and increase by exactly 1 per publish;
 * - `read` returns a contiguous run of positions, oldest first;
 * - `live` delivers, in position order per topic, every event appended after
 *   the subscription was made (it may also deliver some appended just before:
 *   callers dedupe by position);
 * - a log keeps at most `retention` events per topic, dropping the oldest;
 * - `epoch` changes whenever positions could be reused (a new in-memory log, a
 *   recreated store), so cursors from another epoch are recognised as foreign;
 * - unsubscribing from `live` releases everything held for that subscriber.
 */
export abstract class EventBus {
  /** Identifies this incarnation of the log. */
  abstract get epoch(): string;

  /** Most events retained per topic. */
  abstract get retention(): number;

  /** Appends an event and resolves with it once it is durable for this implementation. */
  abstract publish(topic: string, input: PublishInput): Promise<StoredEvent>;

  /** Events after `after` (exclusive), at most `limit`. */
  abstract read(topic: string, after: number, limit: number): Promise<ReadResult>;

  /** Current ranges of the given topics (topics never published to have `{first: 1, latest: 0}`). */
  abstract ranges(topics: readonly string[]): Promise<TopicRange[]>;

  /** Every topic that holds or held events. */
  abstract listTopics(): Promise<TopicRange[]>;

  /** Hot stream of events appended to any of `topics` from now on. */
  abstract live(topics: readonly string[]): Observable<StoredEvent>;

  /** Number of open `live` subscriptions; zero once every subscriber has gone. */
  abstract liveSubscriptionCount(): number;

  /**
   * Bus lag: seconds between the most recent live event's publish and its fan-out on this
   * instance. In-process buses hand events over synchronously: 0.
   */
  lagSeconds(): number {
    return 0;
  }
}

export function retainedCount(range: TopicRange): number {
  return Math.max(0, range.latest - range.first + 1);
}

/** Builds the stored form of an event: the envelope and its one JSON serialization. */
export function storedEvent(topic: string, position: number, input: PublishInput, ts: number): StoredEvent {
  const envelope: Envelope = { id: String(position), topic, type: input.type, data: input.data, ts };
  return { topic, position, envelope, json: JSON.stringify(envelope) };
}
