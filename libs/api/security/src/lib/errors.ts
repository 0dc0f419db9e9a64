/** No credentials, or credentials that are malformed, forged, expired or for another audience (HTTP 401). */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(
    message: string,
    /** `token_expired` when the only problem is the expiry, so clients know to refresh. */
    readonly reason: 'missing' | 'invalid' | 'token_expired' = 'invalid',
  ) {
    super(message);
  }
}

/** Valid credentials that do not grant the action on the topic (HTTP 403). */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
}
