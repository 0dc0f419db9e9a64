import type { Credentials } from './credentials';
import type { Principal } from './principal';

/**
 * The authentication port (also the Nest DI token). Implementations turn
 * presented credentials into a `Principal` or throw `AuthenticationError`;
 * they never log the credentials.
 */
export abstract class Authenticator {
  /** False only for the explicit local-development mode where everyone has full access. */
  abstract readonly enforcing: boolean;

  abstract authenticate(credentials: Credentials): Promise<Principal>;
}
