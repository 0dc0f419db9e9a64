import { BeforeApplicationShutdown, Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { Subscription, interval } from 'rxjs';
import type { Server, WebSocket } from 'ws';
import type { ZodType } from 'zod';
import {
  ErrorCode,
  pingFrameDataSchema,
  publishFrameDataSchema,
  subscribeFrameDataSchema,
  unsubscribeFrameDataSchema,
  WsCloseCode,
} from '@herald/contracts';
import type { IncomingMessage } from 'node:http';
import { LogReader } from '@herald/event-bus';
import { assertCanSubscribe } from '../auth/auth-errors';
import { principalOf } from '../auth/request-principal';
import { callerKey } from '../auth/caller-key';
import { toProblem } from '../http/problem-details.filter';
import { PublisherService } from '../publish/publisher.service';
import { SubscriberRegistry } from '../subscriber-registry';
import { RX_SCHEDULER, RxScheduler } from '../tokens';
import { scheduleAt } from '../auth/schedule-at';
import { TransportMetrics } from '../metrics/transport-metrics';
import { TransportOptions } from '../transport-options';
import { ackFrame, errorFrame, topicsFrame } from './ws-frames';
import { WsSession, WsSessionContext } from './ws-session';

/** The same codes HTTP uses for the same mistakes. */
function validationCode(path: PropertyKey[], body: unknown): ErrorCode {
  const field = path[0];
  if (field === 'topics') {
    const topics = typeof body === 'object' && body !== null ? (body as { topics?: unknown }).topics : undefined;
    return Array.isArray(topics) && topics.length > 0 ? ErrorCode.InvalidTopic : ErrorCode.MissingTopics;
  }
  if (field === 'topic') return ErrorCode.InvalidTopic;
  if (field === 'type') return ErrorCode.InvalidType;
  if (field === 'since') return ErrorCode.InvalidCursor;
  return ErrorCode.InvalidFrame;
}

function refOf(data: unknown): string | undefined {
  const ref = typeof data === 'object' && data !== null ? (data as { ref?: unknown }).ref : undefined;
  return typeof ref === 'string' && ref.length <= 64 ? ref : undefined;
}

/**
 * The WebSocket transport on `/ws`. Every client frame gets an answer
 * (`subscribed`, `unsubscribed`, `ack`, `pong` or `error`) carrying its `ref`;
 * a bad frame never closes the socket. Protocol pings find dead peers; heartbeat
 * frames let browsers (which cannot see pings) find dead links.
 */
@WebSocketGateway({ path: '/ws' })
export class WsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger('WsGateway');
  /** Every open socket's session (who it is, its liveness and subscriptions); the one per-socket entry. */
  private readonly sessions = new Map<WebSocket, WsSession>();
  private readonly timers = new Subscription();
  private readonly sessionContext: WsSessionContext;
  /** The `pong` listener of every socket (`this` is the socket): marks its session alive. */
  private readonly onPong: (this: WebSocket) => void;
  private server: Server | undefined;

  constructor(
    private readonly reader: LogReader,
    private readonly publisher: PublisherService,
    registry: SubscriberRegistry,
    private readonly options: TransportOptions,
    @Inject(RX_SCHEDULER) private readonly scheduler: RxScheduler,
    private readonly metrics: TransportMetrics,
  ) {
    this.sessionContext = { reader, registry, maxBufferedBytes: options.wsMaxBufferedBytes, metrics };
    const sessions = this.sessions;
    this.onPong = function (this: WebSocket): void {
      const session = sessions.get(this);
      if (session) session.alive = true;
    };
  }

  afterInit(server: Server): void {
    this.server = server;
    this.timers.add(interval(this.options.wsPingMs, this.scheduler).subscribe(() => this.pingAll()));
    this.timers.add(interval(this.options.heartbeatMs, this.scheduler).subscribe(() => this.heartbeatAll()));
  }

  /**
   * Keeps from the upgrade request only the principal and the caller key (the request itself is
   * not retained); the socket's `close` reaches `handleDisconnect`, which disposes of the session.
   */
  handleConnection(socket: WebSocket, req: IncomingMessage): void {
    const principal = principalOf(req);
    const session = new WsSession(socket, this.sessionContext, principal, callerKey(principal, req, this.options.trustProxy));
    this.sessions.set(socket, session);
    if (principal.expiresAt !== undefined) {
      // Credentials end the session when they expire; the client reconnects with fresh ones and its cursor.
      // `dispose` (at close) clears the timer.
      session.expiry = scheduleAt(this.scheduler, principal.expiresAt, () =>
        socket.close(WsCloseCode.TokenExpired, 'token expired: reconnect with fresh credentials and resume from your last cursor'),
      );
    }
    // Removed in `handleDisconnect`.
    socket.on('pong', this.onPong);
  }

  handleDisconnect(socket: WebSocket): void {
    socket.off('pong', this.onPong);
    this.sessions.get(socket)?.dispose();
    this.sessions.delete(socket);
  }

  /** Open sockets (for metrics and tests). */
  get connectionCount(): number {
    return this.sessions.size;
  }

  @SubscribeMessage('subscribe')
  async onSubscribe(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown): Promise<void> {
    const session = this.sessions.get(socket);
    if (!session) return;
    const data = this.validate(session, subscribeFrameDataSchema, body, 'subscribe {topics: string[], since?: string}');
    if (!data) return;
    const topics = [...new Set(data.topics)];
    const total = new Set([...session.topics, ...topics]).size;
    if (topics.length > this.options.maxTopicsPerSubscription || total > this.options.maxTopicsPerSocket) {
      session.send(
        errorFrame(
          ErrorCode.TooManyTopics,
          `at most ${this.options.maxTopicsPerSubscription} topics per subscribe and ${this.options.maxTopicsPerSocket} per socket`,
          data.ref,
        ),
      );
      return;
    }
    try {
      assertCanSubscribe(session.principal, topics);
      const start = await this.reader.start(topics, this.reader.parseSince(data.since));
      session.subscribe(topics, start);
      // After a reset the cursor already points at the restarted positions: say so, so a
      // client that drops before the first delivery still knows history was cut.
      session.send(topicsFrame('subscribed', session.topics, session.cursor(), data.ref, start.reset));
    } catch (error) {
      this.sendError(session, error, data.ref);
    }
  }

  @SubscribeMessage('unsubscribe')
  onUnsubscribe(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    const data = this.validate(session, unsubscribeFrameDataSchema, body, 'unsubscribe {topics: string[]}');
    if (!data) return;
    const missing = data.topics.filter((topic) => !session.has(topic));
    if (missing.length > 0) {
      session.send(errorFrame(ErrorCode.NotSubscribed, `not subscribed to ${missing.slice(0, 5).join(', ')}`, data.ref));
      return;
    }
    session.unsubscribe(data.topics);
    session.send(topicsFrame('unsubscribed', session.topics, session.cursor(), data.ref));
  }

  @SubscribeMessage('publish')
  async onPublish(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown): Promise<void> {
    const session = this.sessions.get(socket);
    if (!session) return;
    const data = this.validate(session, publishFrameDataSchema, body, 'publish {topic, type?, data, ref?}');
    if (!data) return;
    try {
      const event = await this.publisher.publish(data.topic, data.type, data.data, session.principal, session.caller);
      session.send(ackFrame(event, data.ref));
    } catch (error) {
      this.sendError(session, error, data.ref);
    }
  }

  @SubscribeMessage('ping')
  onPing(@ConnectedSocket() socket: WebSocket, @MessageBody() body: unknown): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    const data = this.validate(session, pingFrameDataSchema, body, 'ping {ref?}');
    if (data === null) return;
    session.send(JSON.stringify({ event: 'pong', data: data?.ref === undefined ? { ts: Date.now() } : { ref: data.ref, ts: Date.now() } }));
  }

  /** Tells every client to come back later (1012) before the server stops. */
  beforeApplicationShutdown(): void {
    this.timers.unsubscribe();
    for (const [socket, session] of this.sessions) {
      session.dispose();
      socket.close(WsCloseCode.ServiceRestart, 'server restarting: reconnect and resume from your last cursor');
    }
  }

  private validate<T>(session: WsSession, schema: ZodType<T>, body: unknown, shape: string): T | null {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const path = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    const code = validationCode(issue?.path ?? [], body);
    this.metrics.rejected(code);
    session.send(errorFrame(code, `${path}${issue?.message ?? 'invalid frame'} (expected ${shape})`, refOf(body)));
    return null;
  }

  private sendError(session: WsSession, error: unknown, ref?: string): void {
    const problem = toProblem(error);
    this.metrics.rejected(problem.code);
    if (problem.status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    session.send(errorFrame(problem.code, problem.detail, ref));
  }

  private pingAll(): void {
    for (const [socket, session] of this.sessions) {
      if (!session.alive) {
        socket.terminate();
        continue;
      }
      session.alive = false;
      socket.ping();
    }
  }

  private heartbeatAll(): void {
    const frame = JSON.stringify({ event: 'heartbeat', data: { ts: Date.now() } });
    for (const session of this.sessions.values()) session.send(frame);
  }
}
