import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ACCESS_KEY, AccessKind } from '../auth/access.decorator';
import { TransportMetrics } from '../metrics/transport-metrics';
import { TransportOptions } from '../transport-options';
import { clientAddress } from './client-address';
import { ConnectionLimiter } from './connection-limiter';
import { LONG_LIVED_KEY } from './long-lived.decorator';
import { RateLimiter } from './rate-limiter';

/**
 * Runs before authentication: subscription requests (poll, long poll, SSE)
 * spend a connection-attempt token of their address, and long-lived ones hold
 * a connection slot until the response closes.
 */
@Injectable()
export class AdmissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly rates: RateLimiter,
    private readonly connections: ConnectionLimiter,
    private readonly options: TransportOptions,
    private readonly metrics: TransportMetrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<AccessKind | undefined>(ACCESS_KEY, targets) !== 'subscribe') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const address = clientAddress(req, this.options.trustProxy);
    this.rates.consume('connect', address);
    if (this.reflector.getAllAndOverride<boolean | undefined>(LONG_LIVED_KEY, targets)) {
      const release = this.connections.acquire(address);
      const closed = this.metrics.connectionOpened(req.path.endsWith('/sse') ? 'sse' : 'longPoll');
      context.switchToHttp().getResponse<Response>().once('close', () => {
        release();
        closed();
      });
    }
    return true;
  }
}
