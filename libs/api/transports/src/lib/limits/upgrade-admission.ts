import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { SubscriptionGate } from '../http/subscription-gate';
import { TransportMetrics } from '../metrics/transport-metrics';
import { ConnectionLimiter } from './connection-limiter';

/**
 * Admission of a WebSocket upgrade, in the order HTTP uses: connection-attempt
 * rate, connection cap, then authentication. The slot is held until the
 * connection's TCP socket closes, whether or not the upgrade completed: the
 * WebSocket runs on that same socket, and its `close` always follows the TCP
 * socket's. Nothing of the upgrade request is kept.
 */
@Injectable()
export class UpgradeAdmission {
  constructor(
    private readonly gate: SubscriptionGate,
    private readonly connections: ConnectionLimiter,
    private readonly metrics: TransportMetrics,
  ) {}

  async admit(req: IncomingMessage): Promise<void> {
    const release = this.connections.acquire(this.gate.attempt(req));
    try {
      await this.gate.identify(req);
    } catch (error) {
      release();
      throw error;
    }
    // `close` is emitted once per socket and `release` is idempotent, so `on` (no once-wrapper)
    // is enough; a client that vanishes before the handshake ends frees its slot the same way,
    // and one that vanished while it was being authenticated (its `close` has passed) at once.
    req.socket.on('close', release);
    if (req.socket.destroyed) release();
  }

  /**
   * Counts the open socket (metrics) until its TCP socket closes (the WebSocket's `close` always
   * follows). Listening there, not on the WebSocket, keeps the WebSocket's `close` listeners at two.
   */
  connected(_socket: WebSocket, req: IncomingMessage): void {
    // `close` is emitted once; the returned closer is idempotent anyway.
    req.socket.on('close', this.metrics.connectionOpened('ws'));
  }
}
