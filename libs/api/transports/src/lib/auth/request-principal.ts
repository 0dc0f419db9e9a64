import type { IncomingMessage } from 'node:http';
import { Principal } from '@herald/security';

const principals = new WeakMap<IncomingMessage, Principal>();

/** Records who made a request (HTTP or WS upgrade) once authenticated. */
export function setPrincipal(req: IncomingMessage, principal: Principal): void {
  principals.set(req, principal);
}

/** The authenticated caller; full access when the request never passed authentication (tests of internals). */
export function principalOf(req: IncomingMessage): Principal {
  return principals.get(req) ?? FALLBACK;
}

const FALLBACK = Principal.anonymousFullAccess();
