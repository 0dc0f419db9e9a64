import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ACCESS_KEY, AccessKind } from '../auth/access.decorator';
import { SubscriptionGate } from '../http/subscription-gate';
import { LONG_LIVED_KEY } from './long-lived.decorator';

/**
 * Runs before authentication: subscription requests (poll, long poll, SSE)
 * spend a connection-attempt token of their address, and long-lived ones hold
 * a connection slot until the response closes (see `SubscriptionGate.admit`).
 */
@Injectable()
export class AdmissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly gate: SubscriptionGate,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<AccessKind | undefined>(ACCESS_KEY, targets) !== 'subscribe') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const longLived = this.reflector.getAllAndOverride<boolean | undefined>(LONG_LIVED_KEY, targets) === true;
    const kind = !longLived ? 'poll' : req.path.endsWith('/sse') ? 'sse' : 'longPoll';
    this.gate.admit(req, context.switchToHttp().getResponse<Response>(), kind);
    return true;
  }
}
