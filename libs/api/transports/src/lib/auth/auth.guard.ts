import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { isValidTopic } from '@herald/contracts';
import { SubscriptionGate } from '../http/subscription-gate';
import { ACCESS_KEY, AccessKind } from './access.decorator';
import { assertCanPublish } from './auth-errors';

/**
 * Authenticates every HTTP request to a Herald route and authorizes it
 * against the topics it names, the same way for publish, poll, long poll and
 * SSE: missing or bad credentials → 401, valid credentials without the grant
 * → 403. (WebSocket upgrades are checked by the WS adapter, frames by the gateway;
 * the direct read routes call the same `SubscriptionGate`.)
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly gate: SubscriptionGate,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const kind = this.reflector.getAllAndOverride<AccessKind | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'authenticated';
    if (kind === 'public') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    if (kind === 'subscribe') {
      await this.gate.authorizeSubscription(req, res, req.query['topics']);
      return true;
    }
    const principal = await this.gate.authenticate(req, res);
    const topic = String(req.params['topic'] ?? '');
    // An invalid name is the controller's 400, not a 403.
    if (kind === 'publish' && isValidTopic(topic)) assertCanPublish(principal, topic);
    return true;
  }
}
