import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { DirectObserver, HeaderSink } from '@herald/transports';
import { accessLogLevel, requestId } from './logging.module';

/**
 * The access log of the direct read routes: the same request id (`X-Request-Id`) and the same
 * one line per request as pino-http writes for every other route (`request completed`, with `req`,
 * `res`, `responseTime`, at info / warn for 4xx / error for 5xx), through pino-http's own logger,
 * so its level and redaction apply. Unlike pino-http it makes no child logger per request: a
 * request holds one 'close' listener until its response ends (for an SSE stream, until it closes).
 */
export function accessLog(logger: Logger): DirectObserver {
  return (req: IncomingMessage, res: ServerResponse, headers: HeaderSink) => {
    // pino-http's request serializer reads the id from here.
    (req as IncomingMessage & { id?: string }).id = requestId(req, headers);
    const started = Date.now();
    // The request's 'close' comes once its answer has ended or its client has gone (also when it was
    // pipelined behind another request): one line either way.
    req.on('close', () => {
      const level = accessLogLevel(res);
      if (!logger.isLevelEnabled(level)) return;
      // The raw request and response, as pino-http logs them: its serializers make the same fields,
      // and like pino-http a 5xx is logged as an error with one.
      const responseTime = Date.now() - started;
      if (res.statusCode >= 500) logger[level]({ req, res, err: new Error(`failed with status code ${res.statusCode}`), responseTime }, 'request errored');
      else logger[level]({ req, res, responseTime }, 'request completed');
    });
  };
}
