import type { Delivery } from '@herald/contracts';
import type { HeraldError } from '../herald-error';

/**
 * What one connection attempt reports to the resumable stream that owns it.
 * Calls after the link failed or was closed are ignored.
 */
export interface LinkHandlers {
  /** The link is live: backoff resets and the state becomes `open`. */
  open(): void;
  /** Events (or a reset, or just a newer cursor) arrived. */
  delivery(delivery: Delivery): void;
  /** The link lost its connection but is re-establishing it by itself (EventSource does). */
  retrying(reason: string): void;
  /** The link is finished; the stream decides whether to reconnect, restart or give up. */
  fail(error: HeraldError): void;
}

/** One connection attempt, from connect to failure or close. */
export interface Link {
  /** Stops everything the link started (sockets, requests, timers); idempotent. */
  close(): void;
}

/** Starts a link resuming after `since` (a cursor, `'earliest'`, or undefined for "now"). */
export type OpenLink = (since: string | undefined, handlers: LinkHandlers) => Link;
