import type { ClientFrame, DeliveryFrame, Envelope, ErrorFrame, SubscribedFrame, UnsubscribedFrame } from '@herald/contracts';
import { ClientErrorCode, HeraldError, toHeraldError } from '../herald-error';
import type { StatsRecorder } from '../stats/transport-stats';
import type { TimerHandle } from '../timers';
import type { ResolvedOptions } from '../transport-options';
import { parseServerFrame } from '../wire/parse-server-frame';
import { CloseEventLike, WebSocketConstructor, WebSocketLike, WS_OPEN } from './web-socket-like';

/** Frames a WsConnection hands to its owner (acks, pongs and heartbeats it handles itself). */
export type SessionFrame = SubscribedFrame | UnsubscribedFrame | DeliveryFrame | ErrorFrame;

export interface WsConnectionEvents {
  /** The handshake completed. */
  open(): void;
  /** A frame about subscriptions, or an `error` frame that does not answer a publish. */
  frame(frame: SessionFrame): void;
  /**
   * The connection is gone — closed by the peer or the network, silent for
   * `heartbeatTimeoutMs`, or it broke protocol. Never called after `close()`.
   */
  lost(error: HeraldError): void;
}

/** Every publish `ref` starts with this, so late answers are recognised as such. */
const PUBLISH_REF_PREFIX = 'pub-';

interface PendingAck {
  resolve(envelope: Envelope): void;
  reject(error: HeraldError): void;
  timer: TimerHandle;
}

interface Terminable {
  terminate(): void;
}

function canTerminate(socket: WebSocketLike): socket is WebSocketLike & Terminable {
  return typeof (socket as Partial<Terminable>).terminate === 'function';
}

/**
 * One WebSocket to Herald. Guarantees:
 *
 * - every text frame is parsed strictly; a binary, malformed or unknown frame
 *   ends the connection with a `protocol_error` (never dropped silently);
 * - dead-link detection: any frame counts as a sign of life; after half of
 *   `heartbeatTimeoutMs` of silence a `ping` frame is sent, after all of it
 *   the connection is dropped with `timeout` (this also bounds the handshake);
 * - publishes are matched to their `ack` / `error` by `ref`; each settles
 *   exactly once: on its answer, after `requestTimeoutMs`, or when the
 *   connection ends (then it is not known whether the server stored it).
 */
export class WsConnection {
  private readonly socket: WebSocketLike;
  private readonly pending = new Map<string, PendingAck>();
  private readonly outbox: string[] = [];
  private closed = false;
  private lastFrameAt: number;
  private pingSent = false;
  private watchdog: TimerHandle | undefined;
  private nextRef = 0;

  constructor(
    url: string,
    WebSocketImpl: WebSocketConstructor,
    private readonly options: ResolvedOptions,
    private readonly stats: StatsRecorder,
    private readonly events: WsConnectionEvents,
  ) {
    this.stats.request();
    this.socket = new WebSocketImpl(url);
    this.lastFrameAt = options.timers.now();
    this.scheduleWatchdog(options.heartbeatTimeoutMs / 2);
    this.socket.addEventListener('open', () => this.onOpen());
    this.socket.addEventListener('message', (event) => this.onMessage(event.data));
    this.socket.addEventListener('close', (event) => this.onClose(event));
    // An `error` event is always followed by `close`, which does the work.
    this.socket.addEventListener('error', () => undefined);
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WS_OPEN;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Publishes awaiting an answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends a frame now, or once the handshake completes. */
  send(frame: ClientFrame): void {
    if (this.closed) return;
    const text = JSON.stringify(frame);
    if (this.socket.readyState === WS_OPEN) this.socket.send(text);
    else this.outbox.push(text);
  }

  publish(topic: string, data: unknown, type?: string): Promise<Envelope> {
    if (this.closed) return Promise.reject(new HeraldError(0, ClientErrorCode.ConnectionClosed, 'the WebSocket is closed'));
    const ref = `${PUBLISH_REF_PREFIX}${++this.nextRef}`;
    return new Promise<Envelope>((resolve, reject) => {
      const timer = this.options.timers.setTimeout(() => {
        this.pending.delete(ref);
        reject(new HeraldError(0, ClientErrorCode.Timeout, `no ack for publish to ${topic} within ${this.options.requestTimeoutMs} ms`));
      }, this.options.requestTimeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
      this.send({ event: 'publish', data: type === undefined ? { topic, data, ref } : { topic, type, data, ref } });
    });
  }

  /** Closes the socket normally; pending publishes fail with `connection_closed`. `lost` is not called. */
  close(reason = 'client closed'): void {
    if (this.closed) return;
    this.shutDown(new HeraldError(0, ClientErrorCode.ConnectionClosed, `WebSocket closed by the client (${reason})`));
    try {
      this.socket.close(1000, reason);
    } catch {
      // Already closing: nothing left to do.
    }
  }

  private onOpen(): void {
    if (this.closed) return;
    this.lastFrameAt = this.options.timers.now();
    for (const text of this.outbox.splice(0)) this.socket.send(text);
    this.events.open();
  }

  private onMessage(data: unknown): void {
    if (this.closed) return;
    this.lastFrameAt = this.options.timers.now();
    this.pingSent = false;
    if (typeof data !== 'string') {
      this.fail(new HeraldError(0, ClientErrorCode.ProtocolError, 'received a binary WebSocket frame; Herald sends JSON text frames'));
      return;
    }
    this.stats.frame(data.length);
    let frame;
    try {
      frame = parseServerFrame(data);
    } catch (error) {
      this.fail(toHeraldError(error, 'bad frame'));
      return;
    }
    switch (frame.event) {
      case 'heartbeat':
      case 'pong':
        return;
      case 'ack':
        // An ack for an unknown ref answers a publish that already timed out.
        if (frame.data.ref !== undefined) this.settle(frame.data.ref, (ack) => ack.resolve(frame.data.envelope));
        return;
      case 'error': {
        const { ref, code, message } = frame.data;
        if (ref !== undefined && ref.startsWith(PUBLISH_REF_PREFIX)) {
          // Answers a publish; one that already timed out is settled and the answer is moot.
          this.settle(ref, (ack) => ack.reject(new HeraldError(0, code, message)));
          return;
        }
        this.events.frame(frame);
        return;
      }
      default:
        this.events.frame(frame);
    }
  }

  private onClose(event: CloseEventLike): void {
    if (this.closed) return;
    const error = new HeraldError(0, ClientErrorCode.ConnectionClosed, `WebSocket closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`);
    this.shutDown(error);
    this.events.lost(error);
  }

  /** Drops the connection at once (a dead or misbehaving link) and reports it lost. */
  private fail(error: HeraldError): void {
    if (this.closed) return;
    this.shutDown(error);
    try {
      // Node's `ws` can drop the TCP connection without waiting for a close handshake a dead peer will never answer.
      if (canTerminate(this.socket)) this.socket.terminate();
      else this.socket.close(1000, error.code);
    } catch {
      // Already closing.
    }
    this.events.lost(error);
  }

  private shutDown(error: HeraldError): void {
    this.closed = true;
    if (this.watchdog !== undefined) this.options.timers.clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.outbox.length = 0;
    for (const ref of [...this.pending.keys()]) this.settle(ref, (ack) => ack.reject(error));
  }

  private settle(ref: string, action: (ack: PendingAck) => void): void {
    const ack = this.pending.get(ref);
    if (!ack) return;
    this.pending.delete(ref);
    this.options.timers.clearTimeout(ack.timer);
    action(ack);
  }

  private scheduleWatchdog(ms: number): void {
    this.watchdog = this.options.timers.setTimeout(() => this.checkAlive(), Math.max(ms, 1));
  }

  private checkAlive(): void {
    this.watchdog = undefined;
    if (this.closed) return;
    const timeout = this.options.heartbeatTimeoutMs;
    const idle = this.options.timers.now() - this.lastFrameAt;
    if (idle >= timeout) {
      this.fail(new HeraldError(0, ClientErrorCode.Timeout, `no frame from the server for ${idle} ms (heartbeat timeout ${timeout} ms)`));
      return;
    }
    if (idle >= timeout / 2 && !this.pingSent && this.socket.readyState === WS_OPEN) {
      this.pingSent = true;
      this.send({ event: 'ping', data: { ref: 'keepalive' } });
    }
    this.scheduleWatchdog(!this.pingSent && idle < timeout / 2 ? timeout / 2 - idle : timeout - idle);
  }
}
