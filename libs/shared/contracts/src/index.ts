export * from './lib/topic';
export * from './lib/envelope';
export * from './lib/errors';
export * from './lib/ws-frames';
export * from './lib/schemas';
export * from './lib/server-schemas';
