/** One published event, exactly as every transport delivers it. */
export interface Envelope {
  /** The event's position in its topic's log, as a decimal string: unique within the topic and epoch. */
  id: string;
  topic: string;
  type: string;
  data: unknown;
  /** Epoch milliseconds at publish, taken by the server that accepted it. */
  ts: number;
}

/**
 * What a subscriber receives: the events after its cursor (per-topic order kept)
 * and the cursor to resume from. `reset: true` means the cursor could not be
 * honoured (older than retention, another epoch, or unknown) and delivery
 * restarted from the oldest retained event of the affected topics.
 */
export interface Delivery {
  events: Envelope[];
  cursor: string;
  reset?: boolean;
}

/** The body of `POST /api/topics/{topic}/events`. */
export interface PublishRequest {
  type?: string;
  data: unknown;
}

export type TransportKind = 'poll' | 'longPoll' | 'sse' | 'ws';

export const TRANSPORT_KINDS: readonly TransportKind[] = ['poll', 'longPoll', 'sse', 'ws'];

/** One row of `GET /api/topics`. */
export interface TopicInfo {
  name: string;
  /** Position of the newest event (0 when none was ever published). */
  latest: number;
  /** How many events are retained and can be replayed. */
  retained: number;
  /** Open subscriptions per transport; for `poll`, the poll requests seen in the last 15–30 s. */
  subscribers: Record<TransportKind, number>;
}

export interface TopicList {
  topics: TopicInfo[];
}
