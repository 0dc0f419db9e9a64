import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { pino, type Logger } from 'pino';
import type { DynamicModule } from '@nestjs/common';
import type { HeraldConfig } from './config';

const PINO_LEVELS: Record<HeraldConfig['logLevel'], string> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Query parameters that carry secrets; their values never reach a log line. */
const SECRET_QUERY = /([?&](?:access_token|api_key)=)[^&]*/gi;

export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[redacted]');
}

/** The request's id: the caller's `X-Request-Id` when it is sane, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The request's id (see `requestIdOf`), echoed in the answer's `X-Request-Id`. */
export function requestId(req: IncomingMessage, res: { setHeader(name: string, value: string): unknown }): string {
  const id = requestIdOf(req);
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The level of a request's access-log line: error for 5xx (or a failure), warn for 4xx, info otherwise. */
export function accessLogLevel(res: ServerResponse, error?: Error): 'error' | 'warn' | 'info' {
  return error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
}

const loggers = new WeakMap<HeraldConfig, Logger>();

/**
 * The one pino logger of an app (per configuration): Nest's log lines and the access lines are its
 * children, so one writer owns stdout and lines never interleave.
 */
export function heraldLogger(config: HeraldConfig): Logger {
  let logger = loggers.get(config);
  if (logger === undefined) {
    logger = pino({
      level: PINO_LEVELS[config.logLevel],
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', 'req.headers["sec-websocket-protocol"]'],
        censor: '[redacted]',
      },
    });
    loggers.set(config, logger);
  }
  return logger;
}

/**
 * Structured JSON logs (pino) with a request id per HTTP request (the caller's
 * `X-Request-Id` when it is sane, else a UUID, echoed back). Credentials —
 * Authorization, X-Api-Key, cookies, WS subprotocol tokens, `access_token` in
 * URLs — are never written.
 */
export function pinoHttpOptions(config: HeraldConfig): Options<IncomingMessage, ServerResponse> {
  return {
    logger: heraldLogger(config),
    genReqId: requestId,
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => accessLogLevel(res, error),
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/metrics' || (req.url ?? '').startsWith('/health') },
  };
}

/**
 * Nest's logger on pino (nestjs-pino), with the same options. Its request middleware is applied to no
 * route: it keeps each request's logger in an `AsyncLocalStorage`, which on Node 20 turns on
 * `async_hooks` for the whole process once any request has run it — about a fifth more CPU on every
 * request and every delivery, measured (docs/performance.md). The access log is pino-http itself,
 * installed by `configureApp`; log lines written inside handlers therefore carry no request id.
 */
export function loggingModule(config: HeraldConfig): DynamicModule {
  return LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config), forRoutes: [] });
}
