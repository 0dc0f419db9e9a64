import { createRemoteJWKSet, errors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { AuthenticationError } from './errors';
import { isValidTopicPattern, Principal } from './principal';

export interface JwtOptions {
  /** HS256 shared secret (at least 32 bytes), or… */
  secret?: string;
  /** …a JWKS URL for asymmetric keys (RS256, ES256, EdDSA). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Clock tolerance in seconds for exp/nbf (default 5). */
  clockToleranceSec?: number;
}

const patterns = z.array(z.string().refine(isValidTopicPattern)).max(256);

/**
 * The claims Herald reads: `sub` (who), `exp` (required), and
 * `herald: { subscribe: [...patterns], publish: [...patterns] }` (what).
 */
const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  exp: z.number(),
  herald: z.object({ subscribe: patterns.default([]), publish: patterns.default([]) }).default({ subscribe: [], publish: [] }),
});

/** Verifies JWTs with `jose`: signature, algorithm, `exp`/`nbf`, and issuer/audience when configured. */
export class JwtAuthenticator {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly options: JwtOptions) {
    if (options.secret) {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256'];
    } else if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl));
      this.algorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'];
    } else {
      throw new Error('JwtAuthenticator needs a secret or a JWKS URL');
    }
  }

  async authenticate(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      const verified = await (typeof this.key === 'function'
        ? jwtVerify(token, this.key, this.verifyOptions())
        : jwtVerify(token, this.key, this.verifyOptions()));
      payload = verified.payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('the token has expired', 'token_expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw new AuthenticationError(`the token is not valid here (${error.claim})`);
      throw new AuthenticationError('the token is not valid');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new AuthenticationError('the token lacks the claims Herald needs (sub, exp, herald)');
    const { sub, exp, herald } = claims.data;
    return new Principal(`jwt:${sub}`, herald.subscribe, herald.publish, exp * 1000);
  }

  private verifyOptions() {
    return {
      algorithms: this.algorithms,
      issuer: this.options.issuer,
      audience: this.options.audience,
      clockTolerance: this.options.clockToleranceSec ?? 5,
      requiredClaims: ['exp', 'sub'],
    };
  }
}
