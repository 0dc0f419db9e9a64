import { INestApplicationContext, Logger } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { LongPollController } from '../long-poll/long-poll.controller';
import { TransportMetrics } from '../metrics/transport-metrics';
import { PollController } from '../poll/poll.controller';
import { SseController } from '../sse/sse.controller';
import { answerProblem } from './problem-details.filter';
import { HttpSubscriptionKind, SubscriptionGate } from './subscription-gate';
import { PendingHeaders } from './pending-headers';

/**
 * A Connect-style header middleware (helmet, cors) run before a direct route. Its `res` is the
 * answer's `PendingHeaders`: it may set, read and remove headers, and must call `next`.
 */
export type DirectMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Where an observer puts headers of the answer: the response itself, or an event stream's pending headers. */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** Sees every direct request first, with its response and where its headers go (the access log and request id). */
export type DirectObserver = (req: IncomingMessage, res: ServerResponse, headers: HeaderSink) => void;

export interface DirectReadRoutesOptions {
  observe: DirectObserver;
  /** Header middleware, in order. */
  headers: readonly DirectMiddleware[];
}

/** The paths served directly: exactly the routes of the poll, long-poll and SSE controllers. */
const ROUTES: ReadonlyMap<string, HttpSubscriptionKind> = new Map([
  ['/api/poll', 'poll'],
  ['/api/long-poll', 'longPoll'],
  ['/api/sse', 'sse'],
]);

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The three read endpoints (`GET /api/poll`, `/api/long-poll`, `/api/sse`) served straight from
 * Node's HTTP server, below Express and Nest's router, by the same controller methods Nest routes
 * to. A request here passes the same steps in the same order as through Nest: the app's middleware
 * (access log and request id, then helmet and CORS), admission, authentication and authorization
 * (`SubscriptionGate`, what the guards call), the controller, and errors as problem+json
 * (`answerProblem`, what the exception filter calls). Every other request — other paths, other
 * methods (HEAD, OPTIONS preflights), trailing slashes — goes to Express unchanged.
 *
 * Why: per request, Express's router, Nest's execution context (guards, pipes, interceptors,
 * filters) and pino-http's per-request child loggers cost several times what the handler does,
 * and an open SSE stream kept all of that alive (docs/performance.md has the figures).
 */
export class DirectReadRoutes {
  private readonly logger = new Logger('DirectReadRoutes');

  constructor(
    private readonly gate: SubscriptionGate,
    private readonly metrics: TransportMetrics,
    private readonly poll: PollController,
    private readonly longPoll: LongPollController,
    private readonly sse: SseController,
    private readonly options: DirectReadRoutesOptions,
  ) {}

  static fromApp(app: INestApplicationContext, options: DirectReadRoutesOptions): DirectReadRoutes {
    const get = <T>(type: new (...args: never[]) => T): T => app.get(type, { strict: false });
    return new DirectReadRoutes(get(SubscriptionGate), get(TransportMetrics), get(PollController), get(LongPollController), get(SseController), options);
  }

  /** Takes the request if it is one of the direct routes (and answers it); `false` leaves it to the caller. */
  take(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const mark = url.indexOf('?');
    const kind = ROUTES.get(mark < 0 ? url : url.slice(0, mark));
    if (kind === undefined) return false;
    const query = mark < 0 ? {} : parseQuery(url.slice(mark + 1));
    // An event stream's headers are gathered and written in one go (see PendingHeaders); other
    // answers are short-lived and take them directly.
    const pending = kind === 'sse' ? new PendingHeaders() : undefined;
    const headers = pending?.asResponse() ?? res;
    this.options.observe(req, res, headers);
    let step = 0;
    const next = (error?: unknown): void => {
      if (error !== undefined) return this.fail(req, res, pending, error);
      const middleware = this.options.headers[step++];
      if (middleware === undefined) {
        this.serve(kind, query, req, res, pending).catch((failure: unknown) => this.fail(req, res, pending, failure));
        return;
      }
      try {
        middleware(req, headers, next);
      } catch (failure) {
        this.fail(req, res, pending, failure);
      }
    };
    next();
    return true;
  }

  /**
   * Puts the direct routes in front of `server`'s request listeners (Express): a request they
   * take never reaches those; every other request reaches them as before.
   */
  installOn(server: Server): void {
    const fallback = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.take(req, res)) return;
      for (const listener of fallback) listener.call(server, req, res);
    });
  }

  private async serve(kind: HttpSubscriptionKind, query: Record<string, unknown>, req: IncomingMessage, res: ServerResponse, pending?: PendingHeaders): Promise<void> {
    this.gate.admit(req, res, kind);
    await this.gate.authorizeSubscription(req, res, query['topics']);
    if (kind === 'sse') return this.sse.serve(query, header(req, 'last-event-id'), req, res, pending);
    const body = kind === 'poll' ? await this.poll.answer(query, header(req, 'if-none-match'), res, req) : await this.longPoll.answer(query, req, res);
    if (res.writableEnded || res.destroyed) return;
    // No body: a 304, or a long poll whose client left (its socket is gone; nothing is sent).
    res.end(body);
  }

  private fail(req: IncomingMessage, res: ServerResponse, pending: PendingHeaders | undefined, error: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    pending?.applyTo(res);
    answerProblem(res, error, req.url, (problem) => this.metrics.rejected(problem.code), this.logger);
  }
}
