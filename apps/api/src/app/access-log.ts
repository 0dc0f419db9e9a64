import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import type { DirectObserver, HeaderSink } from '@herald/transports';
import { accessLogLevel, redactUrl, requestId } from './logging.module';

/**
 * The access log of the direct read routes: the same request id (`X-Request-Id`) and the same
 * one line per request as pino-http writes for every other route (`request completed`, with `req`,
 * `res`, `responseTime`, at info / warn for 4xx / error for 5xx), through the same pino logger,
 * so its level and redaction apply. Unlike pino-http it makes no child logger per request: a
 * request holds one 'close' listener until its response ends (for an SSE stream, until it closes).
 */
export function accessLog(): DirectObserver {
  return (req: IncomingMessage, res: ServerResponse, headers: HeaderSink) => {
    const id = requestId(req, headers);
    const started = Date.now();
    // 'close' follows 'finish' for an answered request and comes alone for an aborted one: one line either way.
    res.on('close', () => {
      const logger = PinoLogger.root;
      const level = accessLogLevel(res);
      if (logger === undefined || !logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: { id, method: req.method, url: redactUrl(req.url), remoteAddress: req.socket.remoteAddress },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - started,
        },
        'request completed',
      );
    });
  };
}
