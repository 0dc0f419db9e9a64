import type { Delivery, Envelope } from './envelope';
import type { ErrorCode } from './errors';

/**
 * WebSocket frames are JSON text frames in NestJS's `{ event, data }` shape.
 * Client frames may carry a `ref` (any string up to 64 characters) that the
 * server echoes in the answer, so a client can match answers to requests.
 */
export interface SubscribeFrame {
  event: 'subscribe';
  data: { topics: string[]; since?: string; ref?: string };
}

export interface UnsubscribeFrame {
  event: 'unsubscribe';
  data: { topics: string[]; ref?: string };
}

export interface PublishFrame {
  event: 'publish';
  data: { topic: string; type?: string; data: unknown; ref?: string };
}

export interface PingFrame {
  event: 'ping';
  data?: { ref?: string };
}

export type ClientFrame = SubscribeFrame | UnsubscribeFrame | PublishFrame | PingFrame;

export type ClientEventName = ClientFrame['event'];

export const CLIENT_EVENT_NAMES: readonly ClientEventName[] = ['subscribe', 'unsubscribe', 'publish', 'ping'];

/**
 * Answer to `subscribe`: the topics now subscribed on this socket and the socket's
 * cursor. `reset: true` when the requested `since` could not be honoured (the
 * following delivery carries `reset: true` too).
 */
export interface SubscribedFrame {
  event: 'subscribed';
  data: { topics: string[]; cursor: string; ref?: string; reset?: boolean };
}

export interface UnsubscribedFrame {
  event: 'unsubscribed';
  data: { topics: string[]; cursor: string; ref?: string };
}

/** Events for the socket's subscriptions; `cursor` covers every topic subscribed on the socket. */
export interface DeliveryFrame {
  event: 'delivery';
  data: Delivery;
}

/** Answer to `publish`: the stored envelope. */
export interface AckFrame {
  event: 'ack';
  data: { ref?: string; envelope: Envelope };
}

export interface PongFrame {
  event: 'pong';
  data: { ref?: string; ts: number };
}

/** Sent every heartbeat interval so clients that cannot see protocol pings (browsers) can detect a dead link. */
export interface HeartbeatFrame {
  event: 'heartbeat';
  data: { ts: number };
}

export interface ErrorFrame {
  event: 'error';
  data: { code: ErrorCode; message: string; ref?: string };
}

export type ServerFrame =
  | SubscribedFrame
  | UnsubscribedFrame
  | DeliveryFrame
  | AckFrame
  | PongFrame
  | HeartbeatFrame
  | ErrorFrame;

/** WebSocket close codes Herald uses, and whether the client should reconnect. */
export const WsCloseCode = {
  /** Server going down for a restart: reconnect (elsewhere) and resume from the cursor. */
  ServiceRestart: 1012,
  /** Client is not reading fast enough; reconnect and resume from the cursor. */
  SlowConsumer: 4008,
  /** The credentials expired: reconnect with fresh ones and resume from the cursor. */
  TokenExpired: 4001,
} as const;
