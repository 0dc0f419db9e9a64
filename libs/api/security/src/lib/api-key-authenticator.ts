import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AuthenticationError } from './errors';
import { Principal, isValidTopicPattern } from './principal';

const patterns = z.array(z.string().refine(isValidTopicPattern, 'topic patterns use [A-Za-z0-9._:-] and *'));

/** `HERALD_API_KEYS`: a JSON object from key to grant. */
export const apiKeysSchema = z.record(
  z.string().min(16, 'API keys are at least 16 characters'),
  z.object({ id: z.string().min(1).max(64), subscribe: patterns.default([]), publish: patterns.default([]) }).strict(),
);

export type ApiKeyGrants = z.infer<typeof apiKeysSchema>;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Static API keys for services. Keys are compared by SHA-256 digest in constant time. */
export class ApiKeyAuthenticator {
  private readonly entries: { digest: Buffer; principal: Principal }[];

  constructor(grants: ApiKeyGrants) {
    this.entries = Object.entries(grants).map(([key, grant]) => ({
      digest: digest(key),
      principal: new Principal(`key:${grant.id}`, grant.subscribe, grant.publish),
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  authenticate(key: string): Principal {
    const presented = digest(key);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.principal;
    }
    if (!found) throw new AuthenticationError('unknown API key');
    return found;
  }
}
