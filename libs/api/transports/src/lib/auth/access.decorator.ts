import { SetMetadata } from '@nestjs/common';

/**
 * What a route needs from its caller:
 * - `subscribe`: read the topics named in `?topics=`;
 * - `publish`: write the topic in the `:topic` path parameter;
 * - `authenticated`: any valid credentials;
 * - `public`: nothing (docs, health).
 * Routes without the decorator are `authenticated`.
 */
export type AccessKind = 'subscribe' | 'publish' | 'authenticated' | 'public';

export const ACCESS_KEY = 'herald:access';

export const Access = (kind: AccessKind) => SetMetadata(ACCESS_KEY, kind);
