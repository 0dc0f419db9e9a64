import { ClientErrorCode, HeraldError, isHeraldError } from '../herald-error';
import type { AuthOptions, TokenProvider } from './auth-options';

/** What one connection or request presents: at most one of them. */
export interface ResolvedCredentials {
  bearer?: string;
  apiKey?: string;
}

export type MaybePromise<T> = T | Promise<T>;

const NONE: ResolvedCredentials = Object.freeze({});

export function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Runs `next` with the value, at once when it is not a promise (so a static
 * token or a synchronous provider adds no asynchronous step), otherwise when it
 * resolves; `failed` gets a synchronous throw and a rejection alike.
 */
export function whenResolved<T>(value: () => MaybePromise<T>, next: (value: T) => void, failed: (error: unknown) => void): void {
  let result: MaybePromise<T>;
  try {
    result = value();
  } catch (error) {
    failed(error);
    return;
  }
  if (isPromiseLike(result)) result.then(next, failed);
  else next(result);
}

/** Checks auth options; throws a TypeError for a shape no server accepts. */
export function validateAuthOptions(auth: AuthOptions | undefined): AuthOptions | undefined {
  if (auth === undefined) return undefined;
  if (typeof auth !== 'object' || auth === null) throw new TypeError('auth must be an object: { token } or { apiKey }');
  const { token, apiKey } = auth;
  if (token !== undefined && apiKey !== undefined) throw new TypeError('set auth.token or auth.apiKey, not both');
  if (token !== undefined && typeof token !== 'function' && (typeof token !== 'string' || token === '')) {
    throw new TypeError('auth.token must be a non-empty string or a function returning one');
  }
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey === '')) throw new TypeError('auth.apiKey must be a non-empty string');
  return auth;
}

/**
 * One transport's view of the configured credentials: resolves them for each
 * new connection or request, asking the token provider again (with
 * `reason: 'expired'`) after the server reported the token expired.
 */
export class Credentials {
  private readonly provider: TokenProvider | undefined;
  private expiredPending = false;

  constructor(private readonly auth: AuthOptions | undefined) {
    this.provider = typeof auth?.token === 'function' ? auth.token : undefined;
  }

  get kind(): 'none' | 'token' | 'apiKey' {
    if (this.auth?.apiKey !== undefined) return 'apiKey';
    return this.auth?.token !== undefined ? 'token' : 'none';
  }

  /** True when a fresh token can be asked for (a provider is configured). */
  get refreshable(): boolean {
    return this.provider !== undefined;
  }

  /**
   * The credentials for the next connection or request: synchronous unless the
   * provider returns a promise. Failures are `HeraldError`s (a provider's own
   * `HeraldError` as thrown, anything else `auth_provider_failed`).
   */
  resolve(): MaybePromise<ResolvedCredentials> {
    const auth = this.auth;
    if (auth?.apiKey !== undefined) return { apiKey: auth.apiKey };
    if (typeof auth?.token === 'string') return { bearer: auth.token };
    const provider = this.provider;
    if (!provider) return NONE;
    const reason = this.expiredPending ? 'expired' : 'connect';
    this.expiredPending = false;
    let token: MaybePromise<string>;
    try {
      token = provider({ reason });
    } catch (error) {
      throw providerFailure(error);
    }
    if (isPromiseLike(token)) {
      return token.then(
        (value) => ({ bearer: checkToken(value) }),
        (error: unknown) => {
          throw providerFailure(error);
        },
      );
    }
    return { bearer: checkToken(token) };
  }

  /**
   * The server said the token expired: the next `resolve` asks the provider
   * with `reason: 'expired'`. Returns whether refreshing can help (false for a
   * static token, an API key, or no credentials).
   */
  expire(): boolean {
    if (!this.provider) return false;
    this.expiredPending = true;
    return true;
  }
}

function checkToken(token: unknown): string {
  if (typeof token !== 'string' || token === '') {
    throw new HeraldError(0, ClientErrorCode.AuthProviderFailed, `the auth.token provider returned ${token === '' ? 'an empty string' : typeof token}, not a token`);
  }
  return token;
}

function providerFailure(error: unknown): HeraldError {
  if (isHeraldError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HeraldError(0, ClientErrorCode.AuthProviderFailed, `the auth.token provider failed: ${message}`, { cause: error });
}

/** HTTP headers carrying the credentials. */
export function authHeaders(credentials: ResolvedCredentials): Record<string, string> {
  if (credentials.bearer !== undefined) return { authorization: `Bearer ${credentials.bearer}` };
  if (credentials.apiKey !== undefined) return { 'x-api-key': credentials.apiKey };
  return {};
}
