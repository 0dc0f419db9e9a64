import { Logger } from '@nestjs/common';
import { ApiKeyAuthenticator, Authenticator, HeraldAuthenticator, JwtAuthenticator, OpenAccessAuthenticator } from '@herald/security';
import type { HeraldConfig } from './config';

/** Builds the authenticator the config asks for; open access comes with a loud warning. */
export function authenticatorFor(config: HeraldConfig): Authenticator {
  if (config.auth.mode === 'off') {
    new Logger('Security').warn(
      'AUTHENTICATION IS OFF: anyone who can reach this server may publish and subscribe to every topic. ' +
        'Fine for local development only; set HERALD_AUTH=on with HERALD_JWT_SECRET, HERALD_JWT_JWKS_URL or HERALD_API_KEYS (see docs/security.md).',
    );
    return new OpenAccessAuthenticator();
  }
  const { jwt, apiKeys } = config.auth;
  return new HeraldAuthenticator(jwt ? new JwtAuthenticator(jwt) : undefined, apiKeys ? new ApiKeyAuthenticator(apiKeys) : undefined);
}
