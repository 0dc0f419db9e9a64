/** Why the SDK asks the token provider for a token. */
export interface TokenRequest {
  /**
   * - `connect`: a new connection or HTTP request is about to be made; a cached
   *   token that is still valid is the right answer.
   * - `expired`: the server just said the last token expired (WS close 4001,
   *   SSE `close` event, HTTP 401 `token_expired`): return a fresh one, bypassing any cache.
   */
  reason: 'connect' | 'expired';
}

/**
 * Returns the JWT to present, synchronously or not. Called for every new
 * connection and HTTP request (short and long polls, publishes, probes), so it
 * should be cheap: cache the token and fetch a new one when it is close to its
 * `exp` or when asked with `reason: 'expired'`.
 *
 * Throwing (or rejecting) ends the subscription with `auth_provider_failed`;
 * throw a retryable `HeraldError` (e.g. code `network_error`) to have the
 * transport back off and ask again instead.
 */
export type TokenProvider = (request: TokenRequest) => string | Promise<string>;

/**
 * Credentials every transport presents to a Herald server that runs with
 * `HERALD_AUTH=on`. Set one of `token` and `apiKey`, not both.
 *
 * - `token`: a JWT, or a provider of JWTs (see `TokenProvider`); with a
 *   provider, an expired token is refreshed and the subscription resumes from
 *   its last cursor. A plain string cannot be refreshed: its expiry ends the
 *   subscription with 401 `token_expired`.
 * - `apiKey`: a static key for services. It travels in a header only
 *   (`X-Api-Key`), so it works over poll, long poll and publishing everywhere,
 *   over WebSocket only with a constructor that sends `options.headers` (Node's
 *   `ws`), and never over SSE (EventSource cannot set headers): that transport
 *   reports `unavailable` and auto mode skips it.
 */
export interface AuthOptions {
  token?: string | TokenProvider;
  apiKey?: string;
}
