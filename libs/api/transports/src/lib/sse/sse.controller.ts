import { Controller, Headers, Inject, MessageEvent, Query, Req, Sse } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { concat, concatMap, defer, finalize, from, interval, map, merge, NEVER, Observable, of, takeUntil, tap, timer } from 'rxjs';
import type { Request } from 'express';
import { ErrorCode } from '@herald/contracts';
import { ShutdownService } from '../lifecycle/shutdown.service';
import { LogReader } from '@herald/event-bus';
import { Access } from '../auth/access.decorator';
import { LongLived } from '../limits/long-lived.decorator';
import { principalOf } from '../auth/request-principal';
import { ApiSubscriptionQuery, parseSubscriptionQuery } from '../http/subscription-query';
import { SubscriberRegistry } from '../subscriber-registry';
import { RX_SCHEDULER, RxScheduler } from '../tokens';
import { TransportOptions } from '../transport-options';

/** Characters of events queued for an SSE client that stopped reading before it is dropped (it resumes by cursor). */
export const SSE_MAX_PENDING_CHARS = 4 * 1024 * 1024;

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
export class SseController {
  constructor(
    private readonly reader: LogReader,
    private readonly options: TransportOptions,
    private readonly registry: SubscriberRegistry,
    @Inject(RX_SCHEDULER) private readonly scheduler: RxScheduler,
    private readonly shutdown: ShutdownService,
  ) {}

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
    this.shutdown.assertAccepting();
    const { topics, from: resumeFrom } = parseSubscriptionQuery(this.reader, this.options, query, lastEventId || undefined);
    const start = await this.reader.start(topics, resumeFrom);
    // The opening message hands over the start cursor, except after a reset: then the
    // client keeps its old id until the `reset` event, so a drop in between resets again.
    const opening = (start.reset
      ? { retry: this.options.sseRetryMs, comment: 'herald stream open' }
      : { id: this.reader.encode(start.positions), retry: this.options.sseRetryMs, comment: 'herald stream open' }) as MessageEvent;
    const heartbeats = interval(this.options.heartbeatMs, this.scheduler).pipe(map((): MessageEvent => ({ comment: 'heartbeat' }) as MessageEvent));
    const events = this.reader.follow(topics, start).pipe(
      concatMap((batch) => {
        const ids = this.reader.cursorsAfterEach(batch);
        const messages: MessageEvent[] = batch.events.map((event, i) => ({ id: ids[i], data: event.json }));
        if (batch.reset) {
          const cursorBefore = this.reader.encode(
            new Map([...batch.positions].map(([topic, position]) => {
              const firstOfTopic = batch.events.find((event) => event.topic === topic);
              return [topic, firstOfTopic ? firstOfTopic.position - 1 : position] as const;
            })),
          );
          messages.unshift({ id: cursorBefore, type: 'reset', data: JSON.stringify({ reset: true, cursor: cursorBefore }) });
        }
        return from(messages);
      }),
    );
    const detach = this.registry.attach('sse', topics);
    // When the credentials expire the stream ends with a `close` event saying so; the
    // client reconnects with fresh credentials from its last id.
    const expiresAt = principalOf(req).expiresAt;
    const expired$ = expiresAt === undefined ? NEVER : timer(Math.max(0, expiresAt - Date.now()), this.scheduler);
    // Every message that sets an id must carry the latest cursor (Nest numbers id-less ones).
    let lastId = this.reader.encode(start.positions);
    const live = merge(of(opening), events, heartbeats).pipe(
      tap((message) => {
        if (message.id !== undefined) lastId = String(message.id);
      }),
      takeUntil(expired$),
    );
    const closing = defer(() =>
      of({
        id: lastId,
        type: 'close',
        data: JSON.stringify({ code: ErrorCode.TokenExpired, message: 'the credentials expired: reconnect with fresh ones from your last id' }),
      } as MessageEvent),
    );
    // On shutdown the stream ends; EventSource reconnects after `retry` from its last id.
    return concat(live, closing).pipe(takeUntil(this.shutdown.shuttingDown$), finalize(detach));
  }
}
