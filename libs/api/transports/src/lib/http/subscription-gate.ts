import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Authenticator, AuthenticationError, extractCredentials, Principal } from '@herald/security';
import { assertCanSubscribe, toAuthProblem } from '../auth/auth-errors';
import { setPrincipal } from '../auth/request-principal';
import { clientAddress } from '../limits/client-address';
import { ConnectionLimiter } from '../limits/connection-limiter';
import { RateLimiter } from '../limits/rate-limiter';
import { TransportMetrics } from '../metrics/transport-metrics';
import { TransportOptions } from '../transport-options';
import { parseTopics } from './request-params';
import { ProblemException } from './problem.exception';

/** The HTTP subscription endpoints, as the admission and metrics count them. */
export type HttpSubscriptionKind = 'poll' | 'longPoll' | 'sse';

/**
 * The checks every HTTP request passes before a handler runs, in one place for both ways a
 * request reaches a handler (Nest's guards, and the direct read routes): admission (rates and
 * connection caps), then authentication, then authorization against the named topics.
 * Each throws a `ProblemException` (429/503, 401, 403) and leaves nothing held when it does.
 */
@Injectable()
export class SubscriptionGate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly rates: RateLimiter,
    private readonly connections: ConnectionLimiter,
    private readonly options: TransportOptions,
    private readonly metrics: TransportMetrics,
  ) {}

  /**
   * Spends a connection-attempt token of the caller's address; a long-lived request (long poll,
   * SSE) also holds a connection slot, released exactly once when the response closes.
   */
  admit(req: IncomingMessage, res: ServerResponse, kind: HttpSubscriptionKind): void {
    const address = this.attempt(req);
    if (kind === 'poll') return;
    const release = this.connections.acquire(address);
    const closed = this.metrics.connectionOpened(kind);
    // The request's 'close' comes once, when its answer ends or its client goes, even for a request
    // pipelined behind another on the connection (whose response never gets a 'close' then).
    // 'on' rather than 'once': no wrapper kept per stream.
    req.on('close', () => {
      release();
      closed();
    });
  }

  /**
   * A connection attempt (HTTP subscription or WebSocket upgrade): spends a token of the caller's
   * address (429 when it has none left) and returns that address.
   */
  attempt(req: IncomingMessage): string {
    const address = clientAddress(req, this.options.trustProxy);
    this.rates.consume('connect', address);
    return address;
  }

  /**
   * Who is calling, recorded on the request (`principalOf`); a `ProblemException` 401 when the
   * credentials are missing, bad or expired. HTTP and WebSocket upgrades alike.
   */
  async identify(req: IncomingMessage): Promise<Principal> {
    let principal: Principal;
    try {
      // Express rewrites `url` inside mounted routers; `originalUrl` is what the client sent.
      principal = await this.authenticator.authenticate(extractCredentials(req.headers, (req as { originalUrl?: string }).originalUrl ?? req.url ?? ''));
    } catch (error) {
      if (error instanceof AuthenticationError) throw toAuthProblem(error);
      throw error;
    }
    setPrincipal(req, principal);
    return principal;
  }

  /** `identify`, for an HTTP request: a 401 also carries `WWW-Authenticate`. */
  async authenticate(req: IncomingMessage, res: ServerResponse): Promise<Principal> {
    try {
      return await this.identify(req);
    } catch (error) {
      if (error instanceof ProblemException && error.getStatus() === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="herald"');
      throw error;
    }
  }

  /** Authenticates, then checks the caller may subscribe to every topic in `topics` (403 if not). */
  async authorizeSubscription(req: IncomingMessage, res: ServerResponse, topics: unknown): Promise<Principal> {
    const principal = await this.authenticate(req, res);
    assertCanSubscribe(principal, parseTopics(topics, this.options.maxTopicsPerSubscription));
    return principal;
  }
}
