export * from './lib/principal';
export * from './lib/errors';
export * from './lib/credentials';
export * from './lib/authenticator';
export * from './lib/open-access-authenticator';
export * from './lib/api-key-authenticator';
export * from './lib/jwt-authenticator';
export * from './lib/herald-authenticator';
