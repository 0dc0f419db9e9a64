import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@herald/contracts';
import { LogReader } from '@herald/event-bus';
import { Access } from '../auth/access.decorator';
import { deliveryBytes, JSON_CONTENT_TYPE } from '../delivery-json';
import { parseBoundedInt } from '../http/request-params';
import { ApiSubscriptionQuery, parseSubscriptionQuery } from '../http/subscription-query';
import { SubscriberRegistry } from '../subscriber-registry';
import { TransportMetrics } from '../metrics/transport-metrics';
import { TransportOptions } from '../transport-options';

/**
 * Short polling: answers at once with the events after the cursor (at most
 * `limit`). The ETag is the cursor, so a client that sends `If-None-Match`
 * with an unchanged cursor gets a body-less `304`.
 */
@ApiTags('subscribe')
@Controller('poll')
export class PollController {
  constructor(
    private readonly reader: LogReader,
    private readonly options: TransportOptions,
    private readonly registry: SubscriberRegistry,
    private readonly metrics: TransportMetrics,
  ) {}

  @Get()
  @Access('subscribe')
  @ApiOperation({ summary: 'Short poll: the events after a cursor, at once' })
  @ApiSubscriptionQuery()
  @ApiQuery({ name: 'limit', required: false, description: 'Most events in the answer (1..1000, default 100)' })
  @ApiResponse({ status: 200, description: 'Delivery {events, cursor, reset?}; ETag = "cursor"' })
  @ApiResponse({ status: 304, description: 'Nothing new since the cursor in If-None-Match' })
  async poll(
    @Query() query: Record<string, unknown>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: ServerResponse,
    @Req() req: IncomingMessage,
  ): Promise<string | undefined> {
    // Nest's Express adapter would send a Buffer as JSON of its bytes: hand it the text.
    return (await this.answer(query, ifNoneMatch, res, req))?.toString('utf8');
  }

  /** The poll itself, for both ways a request arrives: sets status and headers, resolves with the body (none for a 304). */
  async answer(query: Record<string, unknown>, ifNoneMatch: string | undefined, res: ServerResponse, req: IncomingMessage): Promise<Buffer | undefined> {
    const { topics, from } = parseSubscriptionQuery(this.reader, this.options, query);
    const limit = parseBoundedInt(query['limit'], 'limit', ErrorCode.InvalidLimit, {
      min: 1,
      max: this.options.maxLimit,
      fallback: this.options.defaultLimit,
    });
    this.registry.notePoll(topics);
    const start = await this.reader.start(topics, from);
    const batch = await this.reader.readAfter(topics, start.positions, limit);
    const reset = start.reset || batch.reset;
    const cursor = this.reader.encode(batch.positions);
    const etag = `"${cursor}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (batch.events.length === 0 && !reset && etagMatches(ifNoneMatch, etag)) {
      res.statusCode = 304;
      return undefined;
    }
    // We decided this answer is not a 304; stop Express's own freshness check
    // (which treats `If-None-Match: *` as fresh) from turning it into one.
    delete req.headers['if-none-match'];
    this.metrics.deliveredBatch('poll', batch.events);
    res.setHeader('Content-Type', JSON_CONTENT_TYPE);
    return deliveryBytes(batch.events, cursor, reset);
  }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}
