import type { ResolvedCredentials } from '../auth/credentials';
import type { WebSocketClientOptionsLike, WebSocketConstructor, WebSocketLike } from './web-socket-like';

/** The subprotocol Herald selects; offered next to a token so the server never has to echo the token. */
export const WS_PROTOCOL = 'herald.v1';
/** `herald.token.<jwt>`: a bearer token as a WebSocket subprotocol. */
export const WS_TOKEN_PROTOCOL_PREFIX = 'herald.token.';

/**
 * A subprotocol must be an RFC 7230 `token`. A JWT (base64url segments joined
 * by dots) always is; an opaque token with `/`, `+`, `=` or spaces may not be,
 * and browsers throw a SyntaxError for such a subprotocol.
 */
const SUBPROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface WsHandshake {
  url: string;
  protocols?: string[];
  options?: WebSocketClientOptionsLike;
}

/**
 * How a WebSocket presents credentials:
 *
 * - a token as the subprotocols `['herald.v1', 'herald.token.<jwt>']` (the
 *   server selects `herald.v1`). Unlike `?access_token=`, this keeps the token
 *   out of URLs, which proxies, servers and browser tooling log. A token that
 *   is not a valid subprotocol goes in `?access_token=` instead;
 * - an API key as an `X-Api-Key` header, through the constructor's third
 *   argument: only Node's `ws` sends it (browsers cannot set upgrade headers);
 * - nothing: no subprotocol at all, as before authentication existed.
 */
export function wsHandshake(url: string, credentials: ResolvedCredentials): WsHandshake {
  if (credentials.bearer !== undefined) {
    const token = credentials.bearer;
    if (SUBPROTOCOL_TOKEN.test(token)) return { url, protocols: [WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX + token] };
    return { url: `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` };
  }
  if (credentials.apiKey !== undefined) return { url, options: { headers: { 'X-Api-Key': credentials.apiKey } } };
  return { url };
}

/** Calls the constructor with as few arguments as the handshake needs. */
export function openWebSocket(WebSocketImpl: WebSocketConstructor, handshake: WsHandshake): WebSocketLike {
  if (handshake.options) return new WebSocketImpl(handshake.url, handshake.protocols, handshake.options);
  if (handshake.protocols) return new WebSocketImpl(handshake.url, handshake.protocols);
  return new WebSocketImpl(handshake.url);
}
