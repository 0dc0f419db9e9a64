import { ClientFrame, DeliveryFrame, Envelope, ErrorCode, ErrorFrame, SubscribedFrame, UnsubscribedFrame, WsCloseCode } from '@herald/contracts';
import { Credentials, isPromiseLike, ResolvedCredentials } from '../auth/credentials';
import { ClientErrorCode, HeraldError, isHeraldError, statusOfServerCode, toHeraldError } from '../herald-error';
import type { StatsRecorder } from '../stats/transport-stats';
import type { TimerHandle } from '../timers';
import type { ResolvedOptions } from '../transport-options';
import { parseServerFrame } from '../wire/parse-server-frame';
import { CloseEventLike, WebSocketConstructor, WebSocketLike, WS_OPEN } from './web-socket-like';
import { openWebSocket, wsHandshake } from './ws-handshake';

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
   * A close with 4001 is reported as 401 `token_expired`; a refused handshake
   * with what the probe learned (401, 403, 429), if anything.
   */
  lost(error: HeraldError): void;
}

/**
 * Asks Herald over HTTP, presenting the credentials a refused handshake
 * presented, why it refused: rejects with the `HeraldError` HTTP gets, resolves
 * when HTTP sees nothing wrong. (Browsers never show why an upgrade failed.)
 */
export type HandshakeProbe = (credentials: ResolvedCredentials, signal: AbortSignal) => Promise<unknown>;

export interface WsConnectionAuth {
  credentials: Credentials;
  probe?: HandshakeProbe;
}

/** Statuses a probe may explain a refused handshake with: authentication, authorization, rate limits. */
const PROBE_EXPLAINS: ReadonlySet<number> = new Set([401, 403, 429]);

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
 * - credentials are resolved before the socket is made (synchronously when
 *   the token is static or the provider returns a string) and presented as
 *   `wsHandshake` says; a handshake the server refuses (the socket closes
 *   before it opens) is explained by the probe, since no WebSocket API shows the status;
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
  /** Undefined while an asynchronous token provider is being asked. */
  private socket: WebSocketLike | undefined;
  private presented: ResolvedCredentials = {};
  private readonly pending = new Map<string, PendingAck>();
  private readonly outbox: string[] = [];
  private closed = false;
  private opened = false;
  /** The handshake was refused and the probe is asking why: socket events are over, pending publishes wait for the answer. */
  private diagnosing: AbortController | undefined;
  private lastFrameAt: number;
  private pingSent = false;
  private watchdog: TimerHandle | undefined;
  private nextRef = 0;
  private readonly probe: HandshakeProbe | undefined;

  /** Throws (like the WebSocket constructor) when credentials or the socket fail synchronously. */
  constructor(
    private readonly url: string,
    private readonly WebSocketImpl: WebSocketConstructor,
    private readonly options: ResolvedOptions,
    private readonly stats: StatsRecorder,
    auth: WsConnectionAuth,
    private readonly events: WsConnectionEvents,
  ) {
    this.probe = auth.probe;
    this.stats.request();
    this.lastFrameAt = options.timers.now();
    const credentials = auth.credentials.resolve();
    if (isPromiseLike(credentials)) {
      credentials.then(
        (resolved) => {
          if (this.closed) return;
          try {
            this.connect(resolved);
          } catch (error) {
            const detail = error instanceof Error ? error.message : String(error);
            this.fail(new HeraldError(0, ClientErrorCode.Unavailable, `cannot create WebSocket: ${detail}`, { cause: error }));
          }
        },
        (error: unknown) => this.fail(toHeraldError(error, 'WebSocket credentials')),
      );
    } else {
      this.connect(credentials);
    }
    // Bounds the handshake, and an asynchronous token provider before it.
    this.scheduleWatchdog(options.heartbeatTimeoutMs / 2);
  }

  get isOpen(): boolean {
    return !this.closed && this.diagnosing === undefined && this.socket?.readyState === WS_OPEN;
  }

  get isClosed(): boolean {
    return this.closed || this.diagnosing !== undefined;
  }

  /** Publishes awaiting an answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends a frame now, or once the handshake completes. */
  send(frame: ClientFrame): void {
    if (this.closed) return;
    const text = JSON.stringify(frame);
    if (this.socket?.readyState === WS_OPEN) this.socket.send(text);
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
      this.socket?.close(1000, reason);
    } catch {
      // Already closing: nothing left to do.
    }
  }

  private connect(credentials: ResolvedCredentials): void {
    this.presented = credentials;
    const socket = openWebSocket(this.WebSocketImpl, wsHandshake(this.url, credentials));
    this.socket = socket;
    socket.addEventListener('open', () => this.onOpen());
    socket.addEventListener('message', (event) => this.onMessage(event.data));
    socket.addEventListener('close', (event) => this.onClose(event));
    // An `error` event is always followed by `close`, which does the work.
    socket.addEventListener('error', () => undefined);
  }

  /** Socket events matter only while the connection is neither finished nor being diagnosed. */
  private get active(): boolean {
    return !this.closed && this.diagnosing === undefined;
  }

  private onOpen(): void {
    if (!this.active || !this.socket) return;
    this.opened = true;
    this.lastFrameAt = this.options.timers.now();
    for (const text of this.outbox.splice(0)) this.socket.send(text);
    this.events.open();
  }

  private onMessage(data: unknown): void {
    if (!this.active) return;
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
          this.settle(ref, (ack) => ack.reject(new HeraldError(statusOfServerCode(code), code, message)));
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
    if (!this.active) return;
    const detail = `WebSocket closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`;
    const error = new HeraldError(0, ClientErrorCode.ConnectionClosed, detail);
    if (!this.opened && this.probe) {
      this.diagnose(this.probe, error);
      return;
    }
    // Pending publishes may or may not have been stored: they fail as `connection_closed` either way.
    this.shutDown(error);
    this.events.lost(event.code === WsCloseCode.TokenExpired ? new HeraldError(401, ErrorCode.TokenExpired, `the credentials expired: ${detail}`) : error);
  }

  /** The handshake was refused: ask over HTTP why, then report that (or the close itself when HTTP sees nothing wrong). */
  private diagnose(probe: HandshakeProbe, closeError: HeraldError): void {
    const controller = new AbortController();
    this.diagnosing = controller;
    this.clearWatchdog();
    const explained = (found: unknown): HeraldError => (isHeraldError(found) && PROBE_EXPLAINS.has(found.status) ? found : closeError);
    let answer: Promise<HeraldError>;
    try {
      answer = probe(this.presented, controller.signal).then(() => closeError, explained);
    } catch (error) {
      answer = Promise.resolve(explained(error));
    }
    void answer.then((error) => {
      if (this.closed || this.diagnosing !== controller) return;
      this.diagnosing = undefined;
      this.shutDown(error);
      this.events.lost(error);
    });
  }

  /** Drops the connection at once (a dead or misbehaving link) and reports it lost. */
  private fail(error: HeraldError): void {
    if (!this.active) return;
    this.shutDown(error);
    try {
      // Node's `ws` can drop the TCP connection without waiting for a close handshake a dead peer will never answer.
      if (this.socket && canTerminate(this.socket)) this.socket.terminate();
      else this.socket?.close(1000, error.code);
    } catch {
      // Already closing.
    }
    this.events.lost(error);
  }

  private clearWatchdog(): void {
    if (this.watchdog !== undefined) this.options.timers.clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  private shutDown(error: HeraldError): void {
    this.closed = true;
    this.diagnosing?.abort();
    this.diagnosing = undefined;
    this.clearWatchdog();
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
    if (!this.active) return;
    const timeout = this.options.heartbeatTimeoutMs;
    const idle = this.options.timers.now() - this.lastFrameAt;
    if (idle >= timeout) {
      this.fail(new HeraldError(0, ClientErrorCode.Timeout, `no frame from the server for ${idle} ms (heartbeat timeout ${timeout} ms)`));
      return;
    }
    if (idle >= timeout / 2 && !this.pingSent && this.socket?.readyState === WS_OPEN) {
      this.pingSent = true;
      this.send({ event: 'ping', data: { ref: 'keepalive' } });
    }
    this.scheduleWatchdog(!this.pingSent && idle < timeout / 2 ? timeout / 2 - idle : timeout - idle);
  }
}
