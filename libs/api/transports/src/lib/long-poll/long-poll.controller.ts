import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromEvent, lastValueFrom, map } from 'rxjs';
import { ErrorCode } from '@herald/contracts';
import { Batch, EventBus, LogReader } from '@herald/event-bus';
import { Access } from '../auth/access.decorator';
import { LongLived } from '../limits/long-lived.decorator';
import { deliveryBytes, JSON_CONTENT_TYPE } from '../delivery-json';
import { parseBoundedInt } from '../http/request-params';
import { ApiSubscriptionQuery, parseSubscriptionQuery } from '../http/subscription-query';
import { SubscriberRegistry } from '../subscriber-registry';
import { RX_SCHEDULER, RxScheduler } from '../tokens';
import { TransportMetrics } from '../metrics/transport-metrics';
import { TransportOptions } from '../transport-options';
import { waitForBatch } from './wait-for-batch';
import { ShutdownService } from '../lifecycle/shutdown.service';

/**
 * Long polling: answers as soon as there is at least one event after the
 * cursor, or with an empty delivery (same cursor) at the timeout. A client
 * that disconnects frees its waiter and its bus subscription at once.
 */
@ApiTags('subscribe')
@Controller('long-poll')
export class LongPollController {
  constructor(
    private readonly reader: LogReader,
    private readonly bus: EventBus,
    private readonly options: TransportOptions,
    private readonly registry: SubscriberRegistry,
    @Inject(RX_SCHEDULER) private readonly scheduler: RxScheduler,
    private readonly shutdown: ShutdownService,
    private readonly metrics: TransportMetrics,
  ) {}

  @Get()
  @Access('subscribe')
  @LongLived()
  @ApiOperation({ summary: 'Long poll: wait for the first events after a cursor' })
  @ApiSubscriptionQuery()
  @ApiQuery({ name: 'timeout', required: false, description: 'Most ms to wait (0..60000, default 25000)' })
  @ApiQuery({ name: 'limit', required: false, description: 'Most events in the answer (1..1000, default 100)' })
  @ApiResponse({ status: 200, description: 'Delivery {events, cursor, reset?}; empty events at the timeout' })
  async longPoll(
    @Query() query: Record<string, unknown>,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<string | undefined> {
    // Nest's Express adapter would send a Buffer as JSON of its bytes: hand it the text.
    return (await this.answer(query, req, res))?.toString('utf8');
  }

  /**
   * The long poll itself, for both ways a request arrives: sets the headers and resolves with the
   * body (`undefined` when the client went away). Throws problems for bad input or shutdown.
   */
  async answer(query: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    this.shutdown.assertAccepting();
    const { topics, from } = parseSubscriptionQuery(this.reader, this.options, query);
    const timeoutMs = parseBoundedInt(query['timeout'], 'timeout', ErrorCode.InvalidTimeout, {
      min: 0,
      max: this.options.longPollMaxTimeoutMs,
      fallback: this.options.longPollDefaultTimeoutMs,
    });
    const limit = parseBoundedInt(query['limit'], 'limit', ErrorCode.InvalidLimit, {
      min: 1,
      max: this.options.maxLimit,
      fallback: this.options.defaultLimit,
    });
    const start = await this.reader.start(topics, from);
    if (req.destroyed) return undefined;
    res.setHeader('Cache-Control', 'no-store');
    const read = () => this.reader.readAfter(topics, start.positions, limit).then((b) => (start.reset ? { ...b, reset: true } : b));
    if (start.behind || start.reset) {
      // Events are already there (a busy topic, a client catching up): answer with them at once,
      // without setting up a wait. (Should they be gone by now, the wait below reads again.)
      const batch = await read();
      if (batch.events.length > 0 || batch.reset) return this.deliver(res, batch);
      if (req.destroyed) return undefined;
    }
    const detach = this.registry.attach('longPoll', topics);
    try {
      const batch = await lastValueFrom(
        waitForBatch({
          wake$: this.bus.live(topics),
          read,
          timeoutMs,
          scheduler: this.scheduler,
          // The request's 'close': it also comes for a request pipelined behind another (see SubscriptionGate.admit).
          abort$: fromEvent(req, 'close').pipe(map(() => true)),
          release$: this.shutdown.shuttingDown$,
        }),
        { defaultValue: undefined },
      );
      if (batch === undefined) return undefined; // the client went away
      if (batch === null) {
        res.setHeader('Content-Type', JSON_CONTENT_TYPE);
        return deliveryBytes([], this.reader.encode(start.positions), false);
      }
      return this.deliver(res, batch);
    } finally {
      detach();
    }
  }

  private deliver(res: ServerResponse, batch: Batch): Buffer {
    res.setHeader('Content-Type', JSON_CONTENT_TYPE);
    this.metrics.deliveredBatch('longPoll', batch.events);
    return deliveryBytes(batch.events, this.reader.encode(batch.positions), batch.reset);
  }
}
