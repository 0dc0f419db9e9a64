import type { Envelope } from '@herald/contracts';
import type { ConnectionState, TransportStats, TransportName } from '@herald/client';

/**
 * What a panel shows about its connection: the SDK's connection state while a
 * subscription runs, `idle` before the first `start`, `paused` after `pause()`.
 */
export type TransportViewState = { status: 'idle' } | { status: 'paused' } | ConnectionState;

export type TransportViewStatus = TransportViewState['status'];

/** One event as a panel received it. */
export interface ReceivedEvent {
  /** Unique within the service (ids repeat across resets and topics, so they cannot key a list). */
  readonly key: number;
  /** How many resets preceded it on this subscription; ids are only comparable within one generation. */
  readonly generation: number;
  readonly envelope: Envelope;
  /** Epoch ms when the delivery reached the dashboard. */
  readonly receivedAt: number;
  /** `receivedAt - envelope.ts`, at least 0 (server and browser clocks are compared). */
  readonly latencyMs: number;
}

/** One publish→receive latency sample, for charts. */
export interface LatencyPoint {
  /** Epoch ms of receipt. */
  readonly t: number;
  readonly ms: number;
}

/** The last reset a subscription went through, for the panel's notice. */
export interface ResetNotice {
  /** Epoch ms of the reset delivery. */
  readonly at: number;
  /** The cursor delivery restarted from. */
  readonly cursor: string;
  /** Events the reset delivery itself carried (replayed from the oldest retained). */
  readonly replayed: number;
  /** Resets since `start`. */
  readonly count: number;
}

export function emptyStats(transport: TransportName): TransportStats {
  return {
    transport,
    eventsReceived: 0,
    requests: 0,
    framesReceived: 0,
    bytesReceived: 0,
    reconnects: 0,
    latency: { count: 0, p50: undefined, p95: undefined, max: undefined },
  };
}

/** Field-by-field equality, so re-reading unchanged counters does not re-render anything. */
export function sameStats(a: TransportStats, b: TransportStats): boolean {
  return (
    a.transport === b.transport &&
    a.eventsReceived === b.eventsReceived &&
    a.requests === b.requests &&
    a.framesReceived === b.framesReceived &&
    a.bytesReceived === b.bytesReceived &&
    a.reconnects === b.reconnects &&
    a.latency.count === b.latency.count &&
    a.latency.p50 === b.latency.p50 &&
    a.latency.p95 === b.latency.p95 &&
    a.latency.max === b.latency.max
  );
}
