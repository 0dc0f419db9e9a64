import { Body, Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorCode, TopicList } from '@herald/contracts';
import { EventBus, retainedCount } from '@herald/event-bus';
import { Access } from '../auth/access.decorator';
import { callerKey } from '../auth/caller-key';
import { principalOf } from '../auth/request-principal';
import { TransportOptions } from '../transport-options';
import { ProblemException } from '../http/problem.exception';
import { SubscriberRegistry } from '../subscriber-registry';
import { PublisherService } from './publisher.service';

@ApiTags('topics')
@Controller('topics')
export class PublishController {
  constructor(
    private readonly publisher: PublisherService,
    private readonly bus: EventBus,
    private readonly registry: SubscriberRegistry,
    private readonly options: TransportOptions,
  ) {}

  @Post(':topic/events')
  @Access('publish')
  @HttpCode(201)
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'Publish an event to a topic', description: 'Appends to the topic log and fans out to every transport.' })
  @ApiParam({ name: 'topic', example: 'ticker' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['data'],
      additionalProperties: false,
      properties: { type: { type: 'string', maxLength: 64, example: 'price' }, data: { example: { symbol: 'ACME', price: 12.5 } } },
    },
  })
  @ApiResponse({ status: 201, description: 'The stored envelope {id, topic, type, data, ts}' })
  @ApiResponse({ status: 400, description: 'invalid_topic | invalid_type | invalid_body | invalid_json (problem+json)' })
  @ApiResponse({ status: 413, description: 'payload_too_large (problem+json)' })
  @ApiResponse({ status: 415, description: 'unsupported_media_type: the body must be application/json (problem+json)' })
  async publish(@Param('topic') topic: string, @Body() body: unknown, @Req() req: Request): Promise<string> {
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new ProblemException(415, ErrorCode.UnsupportedMediaType, 'send the event as Content-Type: application/json');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw ProblemException.badRequest(ErrorCode.InvalidBody, 'the body must be a JSON object {"type"?: string, "data": any}');
    }
    const { type, data, ...rest } = body as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      throw ProblemException.badRequest(ErrorCode.InvalidBody, `unknown member(s) ${extra.slice(0, 5).join(', ')}: the body is {"type"?: string, "data": any}`);
    }
    const principal = principalOf(req);
    const event = await this.publisher.publish(topic, type, data, principal, callerKey(principal, req, this.options.trustProxy));
    return event.json;
  }

  @Get()
  @ApiOperation({ summary: 'List topics', description: 'Latest position, retained count and subscribers per transport.' })
  async list(): Promise<TopicList> {
    const ranges = await this.bus.listTopics();
    const byName = new Map(ranges.map((range) => [range.topic, range]));
    for (const [range] of await Promise.all(this.registry.activeTopics().filter((t) => !byName.has(t)).map((t) => this.bus.ranges([t])))) {
      byName.set(range.topic, range);
    }
    const topics = [...byName.values()]
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
      .map((range) => ({
        name: range.topic,
        latest: range.latest,
        retained: retainedCount(range),
        subscribers: this.registry.countsFor(range.topic),
      }));
    return { topics };
  }
}
