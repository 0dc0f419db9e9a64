import { Authenticator } from './authenticator';
import { Principal } from './principal';

/** Local development only: no credentials needed, full access. The app warns loudly when it is used. */
export class OpenAccessAuthenticator extends Authenticator {
  readonly enforcing = false;
  private readonly principal = Principal.anonymousFullAccess();

  authenticate(): Promise<Principal> {
    return Promise.resolve(this.principal);
  }
}
