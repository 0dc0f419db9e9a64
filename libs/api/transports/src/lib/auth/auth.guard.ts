import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { isValidTopic } from '@herald/contracts';
import { Authenticator, AuthenticationError, extractCredentials } from '@herald/security';
import { parseTopics } from '../http/request-params';
import { TransportOptions } from '../transport-options';
import { ACCESS_KEY, AccessKind } from './access.decorator';
import { assertCanPublish, assertCanSubscribe, toAuthProblem } from './auth-errors';
import { setPrincipal } from './request-principal';

/**
 * Authenticates every HTTP request to a Herald route and authorizes it
 * against the topics it names, the same way for publish, poll, long poll and
 * SSE: missing or bad credentials → 401, valid credentials without the grant
 * → 403. (WebSocket upgrades are checked by the WS adapter, frames by the gateway.)
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly reflector: Reflector,
    private readonly options: TransportOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const kind = this.reflector.getAllAndOverride<AccessKind | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'authenticated';
    if (kind === 'public') return true;
    const req = context.switchToHttp().getRequest<Request>();
    let principal;
    try {
      principal = await this.authenticator.authenticate(extractCredentials(req.headers, req.originalUrl));
    } catch (error) {
      if (error instanceof AuthenticationError) {
        context.switchToHttp().getResponse().setHeader('WWW-Authenticate', 'Bearer realm="herald"');
        throw toAuthProblem(error);
      }
      throw error;
    }
    setPrincipal(req, principal);
    if (kind === 'subscribe') assertCanSubscribe(principal, parseTopics(req.query['topics'], this.options.maxTopicsPerSubscription));
    const topic = String(req.params['topic'] ?? '');
    // An invalid name is the controller's 400, not a 403.
    if (kind === 'publish' && isValidTopic(topic)) assertCanPublish(principal, topic);
    return true;
  }
}
