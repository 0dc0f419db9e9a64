import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Request } from 'express';
import { ErrorCode, PROBLEM_CONTENT_TYPE, ProblemDetails } from '@herald/contracts';
import { InvalidCursorError, TopicLimitError } from '@herald/event-bus';
import { problem, ProblemException } from './problem.exception';
import { RateLimitedException } from '../limits/rate-limiter';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.InvalidBody,
  404: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
};

/** Maps any error to an RFC 9457 problem document; bad input never becomes a 500. */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof ProblemException) return error.getResponse() as ProblemDetails;
  if (error instanceof InvalidCursorError) return problem(400, ErrorCode.InvalidCursor, error.message);
  if (error instanceof TopicLimitError) return problem(409, ErrorCode.TooManyTopics, error.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return problem(status, CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.InvalidBody), error.message);
  }
  return problem(500, ErrorCode.Internal, 'an unexpected error occurred; it has been logged');
}

/**
 * Answers `error` on a plain Node response as problem+json (`instance` = the request path), telling
 * `onProblem` (metrics); a 5xx is logged with its stack. A response whose headers are already out
 * (an SSE stream that failed) is ended instead. Nest's filter and the direct read routes both use it.
 */
export function answerProblem(
  res: ServerResponse,
  error: unknown,
  url: string | undefined,
  onProblem: (problem: ProblemDetails) => void,
  logger: Pick<Logger, 'error'>,
): void {
  const body = { ...toProblem(error), instance: url?.split('?')[0] };
  if (body.status >= 500) logger.error(error instanceof Error ? error.stack : String(error));
  onProblem(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error instanceof RateLimitedException) res.setHeader('Retry-After', String(error.retryAfterSec));
  res.statusCode = body.status;
  res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE + '; charset=utf-8');
  res.end(JSON.stringify(body));
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  /** `onProblem` sees every answered problem (metrics count them by code). */
  constructor(private readonly onProblem: (problem: ProblemDetails) => void = () => undefined) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    answerProblem(http.getResponse<ServerResponse>(), error, http.getRequest<Request>().originalUrl, this.onProblem, this.logger);
  }
}
