import { Envelope, ErrorCode } from '@herald/contracts';
import type { ResolvedCredentials } from '../auth/credentials';
import { ClientErrorCode, HeraldError, isHeraldError, statusOfServerCode } from '../herald-error';
import type { Link, LinkHandlers } from '../internal/link';
import { validatePublish } from '../internal/validate';
import { TransportBase } from '../transport-base';
import type { TransportOptions } from '../transport-options';
import type { WebSocketConstructor } from './web-socket-like';
import { HandshakeProbe, WsConnection } from './ws-connection';

/**
 * WebSocket transport on Herald's `/ws` endpoint: one socket per
 * subscription, which sends `subscribe {topics, since, ref}` on open and is
 * `open` once the matching `subscribed` frame arrives (its cursor becomes the
 * resume point). Deliveries carry the socket's cursor, so a reconnect
 * subscribes again with `since` = the last cursor and loses nothing. A
 * `subscribed` frame with `reset: true` is passed on as an empty reset
 * delivery at once (the replay that follows it is then not flagged again),
 * the same shape SSE's `reset` event takes.
 *
 * Close codes: every close the client did not ask for (1012 restart, 4008
 * slow consumer, 1006 network, ...) reconnects with backoff, except 4001 (the
 * token expired), which reconnects at once with a fresh token from the token
 * provider. An `error` frame answering the subscription ends the stream with
 * that code (`forbidden` with status 403), except `invalid_cursor` (restart
 * from now, `reset: true`) and transient server codes.
 *
 * Credentials go in the handshake (see `wsHandshake`). A refused handshake
 * looks like any failed connection to a WebSocket client, so the link then
 * repeats its request as one short poll with the same credentials and reports
 * a 401, 403 or 429 that poll gets (or else the close itself, retried).
 *
 * Publishing sends a `publish` frame and resolves on the `ack` with the same
 * `ref`. It uses an open subscription socket when there is one, otherwise a
 * socket opened for publishing that closes once its publishes are answered.
 * A publish refused with `token_expired` before its socket opened (so nothing
 * was sent) is tried once more with a fresh token.
 */
export class WsTransport extends TransportBase {
  private readonly sockets = new Set<WsConnection>();
  private publisher: WsConnection | undefined;
  private nextRef = 0;

  constructor(options: TransportOptions) {
    super('ws', options);
  }

  override async publish(topic: string, data: unknown, type?: string): Promise<Envelope> {
    validatePublish(topic, data);
    try {
      return await this.publishOnce(topic, data, type);
    } catch (error) {
      // Only a refused handshake reports `token_expired` to a publish: the frame was never sent.
      if (!(isHeraldError(error) && error.code === ErrorCode.TokenExpired && this.credentials.expire())) throw error;
      return this.publishOnce(topic, data, type);
    }
  }

  private publishOnce(topic: string, data: unknown, type?: string): Promise<Envelope> {
    const open = [...this.sockets].find((socket) => socket.isOpen);
    if (open) return open.publish(topic, data, type);
    const publisher = this.publisherSocket();
    const settled = (): void => {
      if (publisher.pendingCount === 0 && this.publisher === publisher) {
        this.publisher = undefined;
        publisher.close('publishes answered');
      }
    };
    const result = publisher.publish(topic, data, type);
    result.then(settled, settled);
    return result;
  }

  protected openLink(topics: string[], since: string | undefined, handlers: LinkHandlers): Link {
    const ref = `sub-${++this.nextRef}`;
    /** A reset announced by `subscribed` is not announced again by the delivery that follows it. */
    let resetAnnounced = false;
    const auth = { credentials: this.credentials, probe: this.probe('/api/poll', { topics: topics.join(','), limit: 1 }) };
    const socket: WsConnection = new WsConnection(this.options.wsUrl, this.webSocketImpl(), this.options, this.recorder, auth, {
      open: () => socket.send({ event: 'subscribe', data: since === undefined ? { topics, ref } : { topics, since, ref } }),
      frame: (frame) => {
        switch (frame.event) {
          case 'subscribed':
            if (frame.data.ref !== ref) return;
            handlers.open();
            // The cursor already points at the restarted positions after a reset: take
            // the reset with it, so a drop before the first delivery cannot hide it.
            resetAnnounced = frame.data.reset === true;
            handlers.delivery(resetAnnounced ? { events: [], cursor: frame.data.cursor, reset: true } : { events: [], cursor: frame.data.cursor });
            return;
          case 'delivery':
            if (resetAnnounced && frame.data.reset) {
              resetAnnounced = false;
              handlers.delivery({ events: frame.data.events, cursor: frame.data.cursor });
              return;
            }
            resetAnnounced = false;
            handlers.delivery(frame.data);
            return;
          case 'unsubscribed':
            return;
          case 'error':
            this.sockets.delete(socket);
            socket.close('subscription failed');
            handlers.fail(new HeraldError(statusOfServerCode(frame.data.code), frame.data.code, frame.data.message));
            return;
        }
      },
      lost: (error) => {
        this.sockets.delete(socket);
        handlers.fail(error);
      },
    });
    this.sockets.add(socket);
    return {
      close: () => {
        this.sockets.delete(socket);
        socket.close('unsubscribed');
      },
    };
  }

  private publisherSocket(): WsConnection {
    if (this.publisher && !this.publisher.isClosed) return this.publisher;
    const auth = { credentials: this.credentials, probe: this.probe('/api/topics', {}) };
    const socket: WsConnection = new WsConnection(this.options.wsUrl, this.webSocketImpl(), this.options, this.recorder, auth, {
      open: () => undefined,
      // A publish-only socket has no subscription for other frames to be about.
      frame: () => undefined,
      lost: (error) => {
        if (this.publisher === socket) this.publisher = undefined;
        // The next publisher socket presents a fresh token.
        if (error.code === ErrorCode.TokenExpired) this.credentials.expire();
      },
    });
    this.publisher = socket;
    return socket;
  }

  /**
   * Explains a refused handshake over HTTP with the same credentials: a short
   * poll of the topics for a subscription (authentication, grants and the
   * connection-attempt rate, like the upgrade), the topic list for a publisher
   * (authentication only). The answer's body is not read.
   */
  private probe(path: string, query: Record<string, string | number>): HandshakeProbe {
    return (credentials: ResolvedCredentials, signal: AbortSignal) =>
      this.http.send(this.http.url(path, query), {
        headers: { accept: 'application/json' },
        timeoutMs: this.options.requestTimeoutMs,
        signal,
        skipSuccessBody: true,
        credentials,
      });
  }

  private webSocketImpl(): WebSocketConstructor {
    const impl = this.options.WebSocket;
    if (!impl) throw new HeraldError(0, ClientErrorCode.Unavailable, 'no WebSocket available: pass options.WebSocket (e.g. the `ws` package in Node 20)');
    return impl;
  }
}
