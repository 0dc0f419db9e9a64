/** The part of a `MessageEvent` the SDK reads. */
export interface MessageEventLike {
  readonly data: unknown;
  readonly lastEventId?: string;
}

/**
 * The part of the WHATWG `EventSource` the SSE transport uses; the browser's
 * global and the `eventsource` npm package both fit.
 */
export interface EventSourceLike {
  /** 0 connecting, 1 open, 2 closed. */
  readonly readyState: number;
  close(): void;
  addEventListener(type: string, listener: (event: MessageEventLike) => void): void;
}

export type EventSourceConstructor = new (url: string) => EventSourceLike;

export const EVENT_SOURCE_CLOSED = 2;
