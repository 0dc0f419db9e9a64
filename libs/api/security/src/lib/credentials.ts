/** Credentials as presented, before any check. Never logged. */
export interface Credentials {
  /** A JWT from `Authorization: Bearer`, `?access_token=` or the WS subprotocol. */
  bearer?: string;
  /** A static API key from `X-Api-Key` or `Authorization: ApiKey`. */
  apiKey?: string;
}

export const WS_TOKEN_PROTOCOL_PREFIX = 'herald.token.';
export const WS_PROTOCOL = 'herald.v1';

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads credentials from an HTTP request or WS upgrade: headers first, then
 * `access_token` in the query (EventSource and browsers' WebSocket cannot set
 * headers), then a `herald.token.<jwt>` WebSocket subprotocol.
 */
export function extractCredentials(headers: Record<string, HeaderValue>, url: string | undefined): Credentials {
  const authorization = first(headers['authorization'])?.trim();
  if (authorization) {
    const [scheme, ...rest] = authorization.split(/\s+/);
    const value = rest.join(' ');
    if (/^bearer$/i.test(scheme) && value) return { bearer: value };
    if (/^apikey$/i.test(scheme) && value) return { apiKey: value };
  }
  const apiKey = first(headers['x-api-key'])?.trim();
  if (apiKey) return { apiKey };
  // Most URLs carry no token: only those that name one pay for parsing.
  if (url?.includes('access_token=')) {
    const query = new URL(url, 'http://localhost').searchParams;
    const token = query.get('access_token');
    if (token) return { bearer: token };
  }
  const protocols = first(headers['sec-websocket-protocol']);
  if (protocols) {
    const token = protocols
      .split(',')
      .map((p) => p.trim())
      .find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
    if (token) return { bearer: token.slice(WS_TOKEN_PROTOCOL_PREFIX.length) };
  }
  return {};
}
