import type { IncomingMessage } from 'node:http';
import { Principal } from '@herald/security';

/** Where a request carries its caller: a symbol property (cheaper than a WeakMap entry per request). */
const PRINCIPAL = Symbol('herald.principal');

type WithPrincipal = IncomingMessage & { [PRINCIPAL]?: Principal };

/** Records who made a request (HTTP or WS upgrade) once authenticated; it lives and dies with the request. */
export function setPrincipal(req: IncomingMessage, principal: Principal): void {
  (req as WithPrincipal)[PRINCIPAL] = principal;
}

/** The authenticated caller; full access when the request never passed authentication (tests of internals). */
export function principalOf(req: IncomingMessage): Principal {
  return (req as WithPrincipal)[PRINCIPAL] ?? FALLBACK;
}

const FALLBACK = Principal.anonymousFullAccess();
