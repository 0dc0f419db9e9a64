import { Controller, Headers, Inject, Logger, MessageEvent, OnApplicationShutdown, Query, Req, Sse } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { interval, Observable, Subscriber, Subscription } from 'rxjs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Request } from 'express';
import { ErrorCode } from '@herald/contracts';
import { ShutdownService } from '../lifecycle/shutdown.service';
import { Batch, LogReader, StartPoint, StoredEvent } from '@herald/event-bus';
import { Access } from '../auth/access.decorator';
import { LongLived } from '../limits/long-lived.decorator';
import { principalOf } from '../auth/request-principal';
import { ApiSubscriptionQuery, parseSubscriptionQuery } from '../http/subscription-query';
import { SubscriberRegistry } from '../subscriber-registry';
import { RX_SCHEDULER, RxScheduler } from '../tokens';
import { TransportMetrics } from '../metrics/transport-metrics';
import { TransportOptions } from '../transport-options';
import { corkUntilNextTick } from '../tick-cork';
import type { PendingHeaders } from '../http/pending-headers';
import { scheduleAt } from '../auth/schedule-at';

/** Characters of events queued for an SSE client that stopped reading before it is dropped (it resumes by cursor). */
export const SSE_MAX_PENDING_CHARS = 4 * 1024 * 1024;

const CLOSE_DATA = JSON.stringify({ code: ErrorCode.TokenExpired, message: 'the credentials expired: reconnect with fresh ones from your last id' });

/**
 * Where one stream's messages go. Both outputs send the same messages: the direct one writes
 * their event-stream text itself, the other hands them to Nest as `MessageEvent`s.
 */
interface SseOutput {
  /** The id of the last message that set one: a `close` message repeats it. */
  readonly lastId: string;
  opening(id: string | undefined, retry: number): void;
  batch(batch: Batch): void;
  heartbeat(): void;
  close(data: string): void;
}

/** The `id` of a reset message: the batch's positions, rewound to just before each topic's first event in it. */
function cursorBeforeBatch(reader: LogReader, batch: Batch): string {
  return reader.encode(
    [...batch.positions].map(([topic, position]) => {
      const firstOfTopic = batch.events.find((event) => event.topic === topic);
      return [topic, firstOfTopic ? firstOfTopic.position - 1 : position] as const;
    }),
  );
}

/** One live event's message, shared by every stream of that event's topic alone. */
interface SharedMessage {
  readonly event: StoredEvent;
  /** `id: <cursor after it>\ndata: <envelope>\n\n` */
  readonly text: Buffer;
  /** The same as one chunk of a chunked HTTP body (built on first use). */
  chunk: Buffer | undefined;
}

let lastShared: SharedMessage | undefined;

/**
 * The event-stream message of one live event for a stream of that event's topic alone. It is the
 * same bytes for every such stream, and the bus hands an event to all its subscribers in one go, so
 * it is built and encoded once per event (a one-entry cache keeps nothing alive but that event).
 */
function sharedMessage(event: StoredEvent, reader: LogReader): SharedMessage {
  if (lastShared === undefined || lastShared.event !== event) {
    lastShared = { event, text: Buffer.from('id: ' + reader.cursorAfter(event) + '\ndata: ' + event.json + '\n\n', 'utf8'), chunk: undefined };
  }
  return lastShared;
}

const CRLF = Buffer.from('\r\n', 'latin1');

/** `data` framed as one chunk of a `Transfer-Encoding: chunked` body. */
function asChunk(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(data.length.toString(16) + '\r\n', 'latin1'), data, CRLF]);
}

/** What Herald needs of the stream Nest pipes into an `@Sse()` response: sending the headers. */
interface PipedSseStream {
  commitHeaders(): void;
}

/**
 * Writes the event-stream text straight into the response Nest opened for the `@Sse()` route.
 * Nest still owns the request (validation, errors, headers, noticing the client leave, ending the
 * response); Herald writes each batch as one chunk, shares a live event's message between all its
 * single-topic streams, and spends no promise, RxJS operator or object per message (Nest's
 * `MessageEvent` path does, for every message of every stream). Byte for byte the same stream.
 */
class DirectOutput implements SseOutput {
  /** Set when the stream ends: nothing is written after that. */
  closed = false;
  private id: string;
  private lastEvent: StoredEvent | undefined;
  /**
   * The connection, read once: responses carry many more properties than sockets (every framework
   * layer adds its own), so going through the response on each write costs more than the write.
   */
  private readonly socket: Socket | null;
  /**
   * Whether whole chunks of the (chunked) body go straight to the socket. Only when the response
   * owns its connection, uses chunked framing and holds nothing unsent, which an `@Sse()` response
   * does once its headers are out; otherwise every write goes through the response.
   */
  private readonly chunksToSocket: boolean;

  constructor(
    private readonly res: ServerResponse,
    private readonly reader: LogReader,
    startId: string,
    method: string,
    /** Told when this stream is dropped for not reading (metrics). */
    private readonly onSlowConsumer: () => void = () => undefined,
  ) {
    this.id = startId;
    this.socket = res.socket;
    const internals = res as unknown as { chunkedEncoding?: boolean; outputSize?: number };
    this.chunksToSocket =
      this.socket !== null &&
      method !== 'HEAD' &&
      internals.chunkedEncoding === true &&
      internals.outputSize === 0 &&
      (this.socket as unknown as { _httpMessage?: unknown })._httpMessage === res;
  }

  get lastId(): string {
    this.settleId();
    return this.id;
  }

  opening(id: string | undefined, retry: number): void {
    if (id !== undefined) this.id = id;
    this.write((id === undefined ? '' : 'id: ' + id + '\n') + 'retry: ' + retry + '\n: herald stream open\n\n');
  }

  batch(batch: Batch): void {
    const events = batch.events;
    if (events.length === 1 && !batch.reset && batch.positions.size === 1) {
      this.lastEvent = events[0];
      const shared = sharedMessage(events[0], this.reader);
      if (!this.writable()) return;
      if (this.chunksToSocket) (this.socket as Socket).write((shared.chunk ??= asChunk(shared.text)));
      else this.res.write(shared.text);
      return;
    }
    this.settleId();
    let text = '';
    if (batch.reset) {
      const before = cursorBeforeBatch(this.reader, batch);
      text += 'event: reset\nid: ' + before + '\ndata: ' + JSON.stringify({ reset: true, cursor: before }) + '\n\n';
      this.id = before;
    }
    const ids = this.reader.cursorsAfterEach(batch);
    for (let i = 0; i < events.length; i++) text += 'id: ' + ids[i] + '\ndata: ' + events[i].json + '\n\n';
    if (ids.length > 0) this.id = ids[ids.length - 1];
    this.write(text);
  }

  heartbeat(): void {
    this.write(': heartbeat\n\n');
  }

  close(data: string): void {
    this.write('event: close\nid: ' + this.lastId + '\ndata: ' + data + '\n\n');
  }

  /** The id of a shared message is only worked out when needed. */
  private settleId(): void {
    if (this.lastEvent !== undefined) {
      this.id = this.reader.cursorAfter(this.lastEvent);
      this.lastEvent = undefined;
    }
  }

  private write(text: string): void {
    if (!this.writable()) return;
    if (this.chunksToSocket) (this.socket as Socket).write(Buffer.byteLength(text, 'utf8').toString(16) + '\r\n' + text + '\r\n', 'utf8');
    else this.res.write(text);
  }

  /**
   * Whether to write now: not once the stream or its connection is gone, and a client that lets
   * more than SSE_MAX_PENDING_CHARS queue up is dropped (it resumes from its last id). Writes for
   * the rest of the tick are held and leave together.
   */
  private writable(): boolean {
    const socket = this.socket;
    if (this.closed || socket === null || socket.destroyed) return false;
    if (socket.writableLength > SSE_MAX_PENDING_CHARS) {
      this.closed = true;
      this.onSlowConsumer();
      this.res.destroy();
      return false;
    }
    corkUntilNextTick(socket);
    return true;
  }
}

/** The same messages as `MessageEvent`s through Nest, should its stream not be reachable. */
class MessageOutput implements SseOutput {
  lastId: string;

  constructor(
    private readonly subscriber: Subscriber<MessageEvent>,
    private readonly reader: LogReader,
    startId: string,
  ) {
    this.lastId = startId;
  }

  opening(id: string | undefined, retry: number): void {
    if (id !== undefined) this.lastId = id;
    this.subscriber.next((id === undefined ? { retry, comment: 'herald stream open' } : { id, retry, comment: 'herald stream open' }) as MessageEvent);
  }

  batch(batch: Batch): void {
    if (batch.reset) {
      const before = cursorBeforeBatch(this.reader, batch);
      this.lastId = before;
      this.subscriber.next({ id: before, type: 'reset', data: JSON.stringify({ reset: true, cursor: before }) });
    }
    const ids = this.reader.cursorsAfterEach(batch);
    batch.events.forEach((event, i) => {
      this.lastId = ids[i];
      this.subscriber.next({ id: ids[i], data: event.json });
    });
  }

  heartbeat(): void {
    this.subscriber.next({ comment: 'heartbeat' } as MessageEvent);
  }

  close(data: string): void {
    this.subscriber.next({ id: this.lastId, type: 'close', data });
  }
}

/** What a validated request needs to open its stream. */
interface SseOpening {
  readonly topics: string[];
  readonly start: StartPoint;
  readonly startId: string;
  /** When the caller's credentials expire (ms since the epoch), if they do. */
  readonly expiresAt: number | undefined;
}

/** The headers of an event stream: the ones NestJS's `@Sse()` sends, so both ways answer alike. */
const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  Connection: 'keep-alive',
  'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
  Pragma: 'no-cache',
  Expire: '0',
  'X-Accel-Buffering': 'no',
} as const;

interface OpenStream {
  readonly output: SseOutput;
  /** Ends the stream cleanly (Nest then ends the response). */
  end(): void;
}

/**
 * Server-Sent Events: replays from `Last-Event-ID` (or `?since=`), then
 * follows live. Every message's `data` is one envelope and its `id` the cursor
 * after it, so an EventSource that reconnects resumes exactly where it was.
 * The stream opens with an `id`-only message carrying the start cursor and the
 * `retry` hint; `reset` is announced by a `reset` event. Heartbeat comments keep
 * proxies from timing out. The bus subscription ends the moment the client goes.
 */
@ApiTags('subscribe')
@Controller('sse')
export class SseController implements OnApplicationShutdown {
  /** Open streams: one heartbeat timer and one shutdown hook serve them all. */
  private readonly streams = new Set<OpenStream>();
  private heartbeats: Subscription | undefined;
  private readonly stopping: Subscription;
  private readonly logger = new Logger('SSE');

  constructor(
    private readonly reader: LogReader,
    private readonly options: TransportOptions,
    private readonly registry: SubscriberRegistry,
    @Inject(RX_SCHEDULER) private readonly scheduler: RxScheduler,
    private readonly shutdown: ShutdownService,
    private readonly metrics: TransportMetrics,
  ) {
    // On shutdown every stream ends; EventSource reconnects after `retry` from its last id.
    this.stopping = this.shutdown.shuttingDown$.subscribe(() => {
      for (const stream of [...this.streams]) stream.end();
    });
  }

  /** After `ShutdownService` has ended the streams (in `beforeApplicationShutdown`). */
  onApplicationShutdown(): void {
    this.stopping.unsubscribe();
    this.heartbeats?.unsubscribe();
    this.heartbeats = undefined;
  }

  @Sse('', { maxPendingDataLength: SSE_MAX_PENDING_CHARS })
  @Access('subscribe')
  @LongLived()
  @ApiOperation({ summary: 'Server-Sent Events: replay from a cursor, then live' })
  @ApiSubscriptionQuery()
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Cursor to resume from (takes precedence over since)' })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream; data = Envelope, id = cursor after it' })
  async stream(
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: Request,
  ): Promise<Observable<MessageEvent>> {
    const opening = await this.prepare(query, lastEventId, req);
    // Nest pipes its event stream into the response just before it subscribes: catch it, to send
    // the headers through it and then write the messages ourselves.
    const res = req.res as unknown as ServerResponse | undefined;
    let piped: PipedSseStream | undefined;
    res?.once('pipe', (source: Partial<PipedSseStream>) => {
      if (typeof source.commitHeaders === 'function') piped = source as PipedSseStream;
    });
    return new Observable<MessageEvent>((subscriber) => {
      let output: SseOutput;
      if (res && piped) {
        piped.commitHeaders();
        output = this.directOutput(res, opening, req.method);
      } else {
        output = new MessageOutput(subscriber, this.reader, opening.startId);
      }
      const teardown = this.follow(opening, output, {
        end: () => subscriber.complete(),
        fail: (error) => subscriber.error(error),
      });
      if (this.shutdown.isShuttingDown) subscriber.complete();
      return teardown;
    });
  }

  /**
   * The same stream on a plain Node response, for the direct read routes (which ran admission and
   * authorization already): the same validation and errors (thrown before any header is sent), the
   * headers Nest's `@Sse()` sends, then the same messages. The stream ends when the client goes,
   * at shutdown, at credential expiry or on a bus error; every path runs the teardown once.
   */
  async serve(
    query: Record<string, unknown>,
    lastEventId: string | undefined,
    req: IncomingMessage,
    res: ServerResponse,
    /** Headers the answer carries besides the event-stream ones (written with them, never stored on `res`). */
    headers?: PendingHeaders,
  ): Promise<void> {
    const opening = await this.prepare(query, lastEventId, req);
    if (req.destroyed || res.destroyed || res.writableEnded) return;
    res.writeHead(200, headers ? headers.with(SSE_HEADERS) : SSE_HEADERS);
    res.flushHeaders();
    // Like Nest's stream: a blank line first (a no-op for EventSource).
    res.write('\n');
    const output = this.directOutput(res, opening, 'GET');
    let done = false;
    // Assigned once below, but `finish` may run before that (see after `follow`): not a const.
    // eslint-disable-next-line prefer-const
    let teardown: (() => void) | undefined;
    // The request's 'close', not the response's: a request pipelined behind another on its
    // connection gets no response 'close' when the client goes, only this one.
    const finish = (): void => {
      if (done) return;
      done = true;
      req.off('close', finish);
      teardown?.();
      if (!res.writableEnded) res.end();
    };
    teardown = this.follow(opening, output, {
      end: () => finish(),
      fail: (error) => {
        this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        finish();
      },
    });
    // `follow` may have failed at once (a closed bus): then `finish` ran before `teardown` existed.
    if (done) teardown();
    req.on('close', finish);
    if (this.shutdown.isShuttingDown || req.destroyed || res.destroyed) finish();
  }

  /** Validates the request and finds where its stream starts (throws problems before anything is sent). */
  private async prepare(query: Record<string, unknown>, lastEventId: string | undefined, req: IncomingMessage): Promise<SseOpening> {
    this.shutdown.assertAccepting();
    const { topics, from: resumeFrom } = parseSubscriptionQuery(this.reader, this.options, query, lastEventId || undefined);
    const start = await this.reader.start(topics, resumeFrom);
    // When the credentials expire the stream ends with a `close` event saying so; the
    // client reconnects with fresh credentials from its last id.
    return { topics, start, startId: this.reader.encode(start.positions), expiresAt: principalOf(req).expiresAt };
  }

  private directOutput(res: ServerResponse, opening: SseOpening, method: string): DirectOutput {
    return new DirectOutput(res, this.reader, opening.startId, method, () => this.metrics.slowConsumer('sse'));
  }

  /**
   * Sends the opening message, then follows the topics into `output` until `end` or `fail` is
   * called (client gone, shutdown, expiry, bus error). Returns the teardown, which releases the
   * bus subscription, the registry entry, the expiry timer and (with the last stream) the
   * heartbeat timer; calling it again does nothing.
   */
  private follow(opening: SseOpening, output: SseOutput, on: { end: () => void; fail: (error: unknown) => void }): () => void {
    const { topics, start, startId, expiresAt } = opening;
    const stream: OpenStream = { output, end: on.end };
    // The opening message hands over the start cursor, except after a reset: then the
    // client keeps its old id until the `reset` event, so a drop in between resets again.
    output.opening(start.reset ? undefined : startId, this.options.sseRetryMs);
    const detach = this.registry.attach('sse', topics);
    this.streams.add(stream);
    this.heartbeats ??= interval(this.options.heartbeatMs, this.scheduler).subscribe(() => {
      for (const open of this.streams) open.output.heartbeat();
    });
    const following = this.reader.follow(topics, start).subscribe({
      next: (batch) => {
        output.batch(batch);
        this.metrics.deliveredBatch('sse', batch.events);
      },
      error: on.fail,
    });
    const expiry =
      expiresAt === undefined
        ? undefined
        : scheduleAt(this.scheduler, expiresAt, () => {
            output.close(CLOSE_DATA);
            on.end();
          });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (output instanceof DirectOutput) output.closed = true;
      following.unsubscribe();
      expiry?.unsubscribe();
      detach();
      this.streams.delete(stream);
      if (this.streams.size === 0) {
        this.heartbeats?.unsubscribe();
        this.heartbeats = undefined;
      }
    };
  }
}
