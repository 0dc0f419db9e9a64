import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DirectMiddleware } from '@herald/transports';

/**
 * A middleware that sets the same headers on every answer whatever the request (helmet with a fixed
 * configuration: no nonces), run once at start-up against a recorder; the returned middleware sets
 * the recorded headers. Throws at start-up if the middleware does anything but set or remove
 * headers and call `next()` synchronously, so a change in it cannot go unnoticed.
 */
export function fixedHeaders(middleware: DirectMiddleware): DirectMiddleware {
  const headers = new Map<string, string | number | readonly string[]>();
  let called = false;
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  middleware({ headers: {}, method: 'GET', url: '/' } as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined) throw error;
    called = true;
  });
  if (!called) throw new Error('fixedHeaders: the middleware did not call next() at once');
  const entries = [...headers];
  return (_req, res, next) => {
    for (const [name, value] of entries) res.setHeader(name, value);
    next();
  };
}
