import { ErrorCode } from '@herald/contracts';
import { AccessDeniedError, AuthenticationError, Principal } from '@herald/security';
import { ProblemException } from '../http/problem.exception';

/** 401 (who are you?) vs 403 (you may not), with stable codes. */
export function toAuthProblem(error: AuthenticationError): ProblemException {
  return new ProblemException(401, error.reason === 'token_expired' ? ErrorCode.TokenExpired : ErrorCode.Unauthorized, error.message);
}

export function denied(action: 'subscribe to' | 'publish to', topics: readonly string[]): ProblemException {
  return new ProblemException(403, ErrorCode.Forbidden, `not allowed to ${action} ${topics.slice(0, 5).join(', ')}${topics.length > 5 ? ', …' : ''}`);
}

export function assertCanSubscribe(principal: Principal, topics: readonly string[]): void {
  const refused = principal.deniedSubscriptions(topics);
  if (refused.length > 0) throw denied('subscribe to', refused);
}

export function assertCanPublish(principal: Principal, topic: string): void {
  if (!principal.canPublish(topic)) throw denied('publish to', [topic]);
}

export { AccessDeniedError, AuthenticationError };
