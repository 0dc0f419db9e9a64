import type { IncomingMessage } from 'node:http';
import { PendingHeaders, type DirectMiddleware } from '@herald/transports';

/**
 * A header middleware that sets the same headers on every answer whatever the request (helmet with a
 * fixed configuration: no nonces), run once at start-up against a recorder; the returned middleware
 * sets the recorded headers. Throws at start-up if the middleware does anything but set, read or
 * remove headers and call `next()` synchronously, so a change in it cannot go unnoticed.
 */
export function fixedHeaders(middleware: DirectMiddleware, request: Partial<IncomingMessage> = {}): DirectMiddleware {
  const recorded = new PendingHeaders();
  let called = false;
  middleware({ headers: {}, method: 'GET', url: '/', ...request } as IncomingMessage, recorded.asResponse(), (error?: unknown) => {
    if (error !== undefined) throw error;
    called = true;
  });
  if (!called) throw new Error('fixedHeaders: the middleware did not call next() at once');
  const entries = Object.entries(recorded.with({}));
  return (_req, res, next) => {
    for (const [name, value] of entries) res.setHeader(name, value);
    next();
  };
}

/**
 * CORS answers every request without an `Origin` header (not a cross-origin browser request) with the
 * same headers (`Vary: Origin`, the exposed headers): those get them recorded once; requests with an
 * `Origin` run the middleware itself.
 */
export function fixedWithoutOrigin(cors: DirectMiddleware): DirectMiddleware {
  const fixed = fixedHeaders(cors);
  return (req, res, next) => (req.headers.origin === undefined ? fixed(req, res, next) : cors(req, res, next));
}
