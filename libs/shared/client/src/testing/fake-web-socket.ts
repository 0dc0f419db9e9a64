import type { ClientFrame } from '@herald/contracts';
import type { MessageEventLike } from '../lib/sse/event-source-like';
import type { CloseEventLike, WebSocketClientOptionsLike, WebSocketConstructor, WebSocketLike } from '../lib/ws/web-socket-like';

type Listener = (event: never) => void;

/** What `new WebSocket(...)` may be given: a URL, then subprotocols, then (Node's `ws`) options. */
export type WebSocketArguments = [url: string, protocols?: string | string[], options?: WebSocketClientOptionsLike];

/** A scripted WebSocket: the test opens it, feeds frames and drops it. */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  closedByClient: { code?: number; reason?: string } | undefined;
  terminated = false;
  private readonly listeners = new Map<string, Listener[]>();

  readonly url: string;
  readonly protocols: string | string[] | undefined;
  readonly options: WebSocketClientOptionsLike | undefined;
  /** How many arguments the SDK passed to the constructor (1 unless it presents credentials). */
  readonly argumentCount: number;

  constructor(...args: WebSocketArguments) {
    [this.url, this.protocols, this.options] = args;
    this.argumentCount = args.length;
  }

  /** The `?access_token=` query parameter, if any. */
  get accessToken(): string | null {
    return new URL(this.url).searchParams.get('access_token');
  }

  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'close', listener: (event: CloseEventLike) => void): void;
  addEventListener(type: 'open' | 'error', listener: (event: unknown) => void): void;
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }

  /** Client frames sent so far, parsed. */
  frames(): ClientFrame[] {
    return this.sent.map((text) => JSON.parse(text) as ClientFrame);
  }

  lastFrame(): ClientFrame | undefined {
    return this.frames().at(-1);
  }

  open(): void {
    this.readyState = 1;
    this.emit('open', {});
  }

  receive(frame: unknown): void {
    this.emit('message', { data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  receiveRaw(data: unknown): void {
    this.emit('message', { data });
  }

  /** The server or network closes the socket. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.emit('error', {});
    this.emit('close', { code, reason });
  }

  private emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: unknown) => void)(event);
  }
}

/** A constructor to inject as `options.WebSocket`, recording every socket it makes. */
export function fakeWebSocketClass(): { WebSocket: WebSocketConstructor; sockets: FakeWebSocket[] } {
  const sockets: FakeWebSocket[] = [];
  class Recorded extends FakeWebSocket {
    constructor(...args: WebSocketArguments) {
      super(...args);
      sockets.push(this);
    }
  }
  return { WebSocket: Recorded, sockets };
}
