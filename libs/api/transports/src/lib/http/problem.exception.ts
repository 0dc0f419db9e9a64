import { HttpException } from '@nestjs/common';
import { ErrorCode, PROBLEM_TYPE_PREFIX, ProblemDetails } from '@herald/contracts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: ErrorCode, detail: string, instance?: string): ProblemDetails {
  return {
    type: PROBLEM_TYPE_PREFIX + code,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
  };
}

/** An error with a stable Herald code; HTTP answers it as problem+json, WS as an error frame. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(problem(status, code, detail), status);
  }

  static badRequest(code: ErrorCode, detail: string): ProblemException {
    return new ProblemException(400, code, detail);
  }
}
