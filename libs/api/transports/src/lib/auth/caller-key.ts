import type { IncomingMessage } from 'node:http';
import type { Principal } from '@herald/security';
import { clientAddress } from '../limits/client-address';

/** Whose budget a publish spends: the authenticated principal, or the address when access is open. */
export function callerKey(principal: Principal, req: IncomingMessage, trustProxy: boolean): string {
  return principal.id === 'anonymous' ? `ip:${clientAddress(req, trustProxy)}` : principal.id;
}
