import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { Authenticator, AuthenticationError, extractCredentials } from '@herald/security';
import { toAuthProblem } from '../auth/auth-errors';
import { setPrincipal } from '../auth/request-principal';
import { TransportMetrics } from '../metrics/transport-metrics';
import { TransportOptions } from '../transport-options';
import { clientAddress } from './client-address';
import { ConnectionLimiter } from './connection-limiter';
import { RateLimiter } from './rate-limiter';

/**
 * Admission of a WebSocket upgrade, in the order HTTP uses: connection-attempt
 * rate, connection cap, then authentication. The slot is held until the socket
 * closes (or released at once if the upgrade never completes).
 */
@Injectable()
export class UpgradeAdmission {
  private readonly releases = new WeakMap<IncomingMessage, () => void>();

  constructor(
    private readonly authenticator: Authenticator,
    private readonly rates: RateLimiter,
    private readonly connections: ConnectionLimiter,
    private readonly options: TransportOptions,
    private readonly metrics: TransportMetrics,
  ) {}

  async admit(req: IncomingMessage): Promise<void> {
    const address = clientAddress(req, this.options.trustProxy);
    this.rates.consume('connect', address);
    const release = this.connections.acquire(address);
    try {
      setPrincipal(req, await this.authenticator.authenticate(extractCredentials(req.headers, req.url)));
    } catch (error) {
      release();
      if (error instanceof AuthenticationError) throw toAuthProblem(error);
      throw error;
    }
    this.releases.set(req, release);
    // A client that vanishes between admission and the handshake's end frees its slot too.
    req.socket.once('close', release);
  }

  /** Ties the slot to the socket's lifetime. */
  connected(socket: WebSocket, req: IncomingMessage): void {
    const release = this.releases.get(req);
    if (release) socket.once('close', release);
    socket.once('close', this.metrics.connectionOpened('ws'));
  }
}
