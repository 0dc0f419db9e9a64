import type { Observable } from 'rxjs';
import type { Delivery, Envelope } from '@herald/contracts';
import type { ConnectionState } from './connection-state';
import type { TransportStats } from './stats/transport-stats';

/** The four ways to receive events, in auto mode's order of preference. */
export type TransportName = 'ws' | 'sse' | 'long-poll' | 'poll';

export const TRANSPORT_NAMES: readonly TransportName[] = ['ws', 'sse', 'long-poll', 'poll'];

export interface SubscribeOptions {
  /**
   * Where to start: a cursor from an earlier `Delivery` (of any transport),
   * `'earliest'` for every retained event, or omitted for "from now".
   */
  since?: string;
}

/**
 * One way of talking to Herald. Every implementation keeps the same promises:
 *
 * - `subscribe` is cold: nothing connects until it is subscribed to, and
 *   unsubscribing closes the connection and clears every timer and request.
 * - Across reconnects it resumes from the last cursor it saw, so no event is
 *   lost or repeated; when the server cannot honour the cursor the next
 *   `Delivery` has `reset: true` (and may have no events).
 * - A `Delivery` is emitted when there are events, on a reset, and when the
 *   cursor moved without events (e.g. the cursor a fresh subscription starts
 *   at), so the latest `cursor` is always the right place to resume from.
 * - The stream errors only with a `HeraldError` that retrying will not fix
 *   (a 4xx other than `invalid_cursor`, a protocol violation, or — with
 *   `connectAttempts` — a transport that never opened); it never completes on its own.
 */
export interface RealtimeTransport {
  readonly name: TransportName | 'auto';
  subscribe(topics: readonly string[], options?: SubscribeOptions): Observable<Delivery>;
  /** Publishes one event; resolves with the stored envelope. At most once: a failed publish is not retried. */
  publish(topic: string, data: unknown, type?: string): Promise<Envelope>;
  /** The connection state of the most recently started subscription (`closed` when none runs); replays the current value. */
  readonly state$: Observable<ConnectionState>;
  /** A snapshot of this transport's counters. */
  readonly stats: TransportStats;
}
