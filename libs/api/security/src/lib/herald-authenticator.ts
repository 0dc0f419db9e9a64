import type { ApiKeyAuthenticator } from './api-key-authenticator';
import { Authenticator } from './authenticator';
import type { Credentials } from './credentials';
import { AuthenticationError } from './errors';
import type { JwtAuthenticator } from './jwt-authenticator';
import type { Principal } from './principal';

/** Enforcing authentication: API keys for services, JWTs for users; at least one must be configured. */
export class HeraldAuthenticator extends Authenticator {
  readonly enforcing = true;

  constructor(
    private readonly jwt: JwtAuthenticator | undefined,
    private readonly apiKeys: ApiKeyAuthenticator | undefined,
  ) {
    super();
    if (!jwt && !apiKeys) throw new Error('HeraldAuthenticator needs JWT settings or API keys');
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.apiKey !== undefined) {
      if (!this.apiKeys) throw new AuthenticationError('API keys are not accepted by this server');
      return this.apiKeys.authenticate(credentials.apiKey);
    }
    if (credentials.bearer !== undefined) {
      if (!this.jwt) throw new AuthenticationError('bearer tokens are not accepted by this server');
      return this.jwt.authenticate(credentials.bearer);
    }
    throw new AuthenticationError('credentials required: Authorization: Bearer <jwt>, X-Api-Key, or ?access_token=', 'missing');
  }
}
