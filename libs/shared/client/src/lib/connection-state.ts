import type { HeraldError } from './herald-error';

/**
 * Where a transport's connection is.
 *
 * - `connecting`: the first attempt of a subscription is under way.
 * - `open`: live; deliveries flow (for poll transports: the last request succeeded).
 * - `reconnecting`: the link was lost or could not be made; the next attempt
 *   (number `attempt`, counted since the last `open`) starts after `delayMs`.
 * - `closed`: no subscription is running. `error` is set when it ended on an
 *   error rather than an unsubscribe.
 */
export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'open' }
  | { status: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { status: 'closed'; reason: string; error?: HeraldError };

export type ConnectionStatus = ConnectionState['status'];

export const IDLE_STATE: ConnectionState = { status: 'closed', reason: 'not subscribed' };
