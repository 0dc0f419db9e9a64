import { ApiQuery } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { ErrorCode } from '@herald/contracts';
import { InvalidCursorError, LogReader, ResumeFrom } from '@herald/event-bus';
import { TransportOptions } from '../transport-options';
import { ProblemException } from './problem.exception';
import { parseSinceParam, parseTopics } from './request-params';

export interface SubscriptionQuery {
  topics: string[];
  from: ResumeFrom;
}

/** Validates `topics` and `since` (or a header carrying a cursor) into a subscription request. */
export function parseSubscriptionQuery(
  reader: LogReader,
  options: TransportOptions,
  query: Record<string, unknown>,
  sinceOverride?: string,
): SubscriptionQuery {
  const topics = parseTopics(query['topics'], options.maxTopicsPerSubscription);
  const since = sinceOverride ?? parseSinceParam(query['since']);
  try {
    return { topics, from: reader.parseSince(since) };
  } catch (error) {
    if (error instanceof InvalidCursorError) throw ProblemException.badRequest(ErrorCode.InvalidCursor, error.message);
    throw error;
  }
}

/** OpenAPI description of the query parameters every subscription endpoint takes. */
export function ApiSubscriptionQuery(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'topics', required: true, description: 'Comma-separated topic names (1..32)', example: 'ticker,chat' }),
    ApiQuery({
      name: 'since',
      required: false,
      description: 'A cursor from an earlier delivery (any transport), or `earliest` for all retained history; omitted = from now',
    }),
  );
}
