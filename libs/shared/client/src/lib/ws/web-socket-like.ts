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

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export const WS_OPEN = 1;
