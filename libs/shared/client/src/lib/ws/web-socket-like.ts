import type { MessageEventLike } from '../sse/event-source-like';

export interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
}

/**
 * The part of the WHATWG `WebSocket` the WS transport uses; the browser's
 * global and the `ws` npm package both fit.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'close', listener: (event: CloseEventLike) => void): void;
  addEventListener(type: 'open' | 'error', listener: (event: unknown) => void): void;
}

/**
 * The third constructor argument of Node's `ws` package, which the SDK passes
 * only to send an API key header. Browsers' (and undici's) `WebSocket` take two
 * arguments and ignore a third, so they cannot present an API key.
 */
export interface WebSocketClientOptionsLike {
  headers?: Record<string, string>;
}

/**
 * The browser's `new WebSocket(url, protocols)` (and `ws`'s, which takes
 * `options` third). A constructor that takes fewer arguments fits too.
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: WebSocketClientOptionsLike) => WebSocketLike;

export const WS_OPEN = 1;
